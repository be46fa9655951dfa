#!/usr/bin/env bash
# Continues the shipped example workspace (Workspaces/pcb-defects) into deployment and
# monitoring, through the mlw command line: the lead sets the gate (the dev split, since the
# 9-joint test split holds no bridge; beat the vendor's AOI rules); eli registers resnet18-a
# with a model card, and sami's approval is refused because recall[bridge] is 0.6 against the
# bar 0.75; resnet18-b (corrected labels, glare augmentation) meets it, is approved, goes to
# line 3 as a 10% canary beside the vendor rules, is promoted; three monitoring windows follow,
# the third with a new component and shifted brightness, and its alert names the loop.
# Usage: scripts/make_example_deployment.sh [MLW]   (run once, after make_example_training.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
mlw=${1:-.build/debug/mlw}
export MLW_ROOT=${MLW_ROOT:-Workspaces} MLW_WORKSPACE=pcb-defects
inputs=$(mktemp -d)
trap 'rm -rf "$inputs"' EXIT

"$mlw" engineer baseline add vendor-aoi --as eli --type rule-based --metric f1=0.55 \
  --source "the AOI vendor's rule set on line 3, scored on the November dev joints" \
  --message "what line 3 runs today"
"$mlw" lead gate set --as ana --split dev --beat-baselines \
  --message "judge on dev: the 9-joint test split holds no bridge, so the bridge bar cannot be checked there; the March set will replace it"

# resnet18-b's dev predictions (made up, consistent with its pinned splits and labels): every
# bridge found, one void called ok. Model files are stand-ins.
python3 - "$mlw" "$inputs" <<'PY'
import json, os, random, subprocess, sys
mlw, folder = sys.argv[1], sys.argv[2]
root = os.environ["MLW_ROOT"] + "/pcb-defects/content/"
run = json.loads(subprocess.check_output([mlw, "engineer", "run", "show", "resnet18-b", "--json"]))
splits = [json.loads(l) for l in open(root + "sha256-" + run["splits"]["sha256"][7:] + ".ndjson")]
labels = {j["item"]: j["label"] for j in map(json.loads, open(root + "sha256-" + run["labels"]["sha256"][7:] + ".ndjson"))}
dev = [s["item"] for s in splits if s["split"] == "dev"]
with open(f"{folder}/resnet18-b-dev.csv", "w") as f:
    f.write("item,prediction,side\n")
    wrong = next(i for i in dev if labels[i] == "void")
    for item in dev:
        f.write(f"{item},{'ok' if item == wrong else labels[item]},{'top' if int(item[5:]) % 2 else 'bottom'}\n")
with open(f"{folder}/resnet18-b-curve.jsonl", "w") as f:
    for step in range(1, 11):
        f.write(json.dumps({"metric": "loss", "value": round(1.6 * 0.78 ** step, 4), "step": step, "split": "train"}) + "\n")
        f.write(json.dumps({"metric": "loss", "value": round(1.7 * 0.8 ** step + 0.03, 4), "step": step, "split": "dev"}) + "\n")
for name in ("resnet18-a", "resnet18-b"):
    with open(f"{folder}/{name}.pt", "wb") as f:
        f.write(random.Random(name).randbytes(4096))

# Monitoring samples: the inputs the model sees per joint (brightness, solder area, component
# type, board revision). The reference is the training data's; w1 and w2 look like it; in w3 a
# new supplier's QFN parts (component Q) arrive and the light drifts brighter.
rng = random.Random(3)
classes = ["ok", "bridge", "void", "insufficient"]
def sample(n, start, shift=0.0, new=False, ids=True):
    rows = []
    for i in range(n):
        component = rng.choice(["R", "C", "QFP"] + (["QFN", "QFN"] if new else []))
        truth = rng.choices(classes, [0.8, 0.08, 0.06, 0.06])[0]
        prediction = truth if rng.random() < 0.93 else rng.choice(classes)
        rows.append((f"j{start + i}", round(rng.gauss(100 + 25 * shift, 9), 1), round(rng.gauss(2.0 + 0.4 * shift, 0.25), 3),
                     component, rng.choice("AB"), prediction, truth))
    return rows
def write(name, rows, ids=True):
    with open(f"{folder}/{name}.csv", "w") as f:
        f.write(("id," if ids else "") + "brightness,solder_area,component,board_rev" + (",prediction" if ids else "") + "\n")
        for r in rows:
            f.write((f"{r[0]}," if ids else "") + ",".join(map(str, r[1:5])) + (f",{r[5]}" if ids else "") + "\n")
    with open(f"{folder}/{name}-truth.csv", "w") as f:
        f.write("id,truth\n" + "".join(f"{r[0]},{r[6]}\n" for r in rows))
write("reference", sample(900, 0), ids=False)
write("w1", sample(400, 10000))
write("w2", sample(400, 20000))
write("w3", sample(400, 30000, shift=1.0, new=True))
PY

"$mlw" engineer run artifact resnet18-a "$inputs/resnet18-a.pt" --name model.pt --as eli >/dev/null
"$mlw" engineer model register solder-joints --run resnet18-a --artifact model.pt --as eli \
  --intended-use "flag solder joints of line-3 boards in AOI images for an inspector to re-judge" \
  --out-of-scope "other lines, other AOI stations, deciding without an inspector" \
  --factors "component type (QFP leads under glare), board side, board revision" \
  --caveats "trained on 29 joints of one week; bridges under glare are its weak spot" \
  --message "the first ResNet, for the SME to judge" >/dev/null
# The SME's first look: the bridge bar fails; approving is refused with the numbers.
"$mlw" sme signoff check solder-joints@1 --as sami || true
"$mlw" sme signoff approve solder-joints@1 --as sami --reason "good enough overall" || true
"$mlw" sme signoff reject solder-joints@1 --as sami --reason "misses 2 of 5 bridges on dev; a missed bridge is a field return" >/dev/null

# The fix: resnet18-b, on the corrected labels with glare augmentation.
"$mlw" engineer run log resnet18-b --as eli --file "$inputs/resnet18-b-curve.jsonl"
"$mlw" engineer run artifact resnet18-b "$inputs/resnet18-b.pt" --name model.pt --as eli >/dev/null
"$mlw" engineer run finish resnet18-b --as eli
"$mlw" engineer run evaluate resnet18-b --as eli --split dev --predictions "$inputs/resnet18-b-dev.csv" --slice side \
  --message "dev evaluation after training" >/dev/null
"$mlw" engineer model register solder-joints --run resnet18-b --artifact model.pt --as eli \
  --intended-use "flag solder joints of line-3 boards in AOI images for an inspector to re-judge" \
  --out-of-scope "other lines, other AOI stations, deciding without an inspector" \
  --factors "component type (QFP leads under glare), board side, board revision" \
  --caveats "trained on 29 joints of one week; glare augmentation, not more glare images" \
  --message "resnet18-b: every dev bridge found" >/dev/null
"$mlw" sme signoff approve solder-joints@2 --as sami \
  --reason "every dev bridge found, beats the vendor rules on f1; pilot behind inspectors" >/dev/null
"$mlw" engineer model alias solder-joints@2 champion --as eli >/dev/null

# A 10% canary beside the vendor rules, the considerations, promotion.
"$mlw" engineer deployment start solder-joints@2 --target line-3 --form streaming-api --traffic 10 \
  --env gpu=t4 --env station=aoi-2 --as eli --message "shadow week over: 10% of boards through the model" >/dev/null
"$mlw" sme deployment check line-3 feedback-loops --status done --as sami \
  --note "inspectors re-judge every flagged joint; their verdicts are labelled before any retraining" >/dev/null
"$mlw" sme deployment check line-3 all-cases --status done --as sami \
  --note "per-class and per-side figures read on dev; QFP under glare watched in monitoring" >/dev/null
"$mlw" engineer deployment check line-3 consent --status done --as eli --note "our own boards and images; no personal data" >/dev/null
"$mlw" engineer deployment check line-3 dual-use --status n/a --as eli --note "a solder-joint classifier" >/dev/null
"$mlw" engineer deployment promote line-3 --as eli --message "a week at 10%: no escape, inspectors' load down" >/dev/null

# Monitoring: the reference and three weekly windows; labels for the first two.
"$mlw" engineer monitor reference line-3 "$inputs/reference.csv" --as eli --message "the training week's joints" >/dev/null
for w in w1 w2 w3; do
  "$mlw" engineer monitor window line-3 --name "$w" "$inputs/$w.csv" --as eli --message "week $w of line 3" >/dev/null
done
for w in w1 w2; do
  "$mlw" engineer monitor truth line-3 --window "$w" "$inputs/$w-truth.csv" --as eli --message "inspectors' verdicts for $w" >/dev/null
done
"$mlw" engineer monitor show line-3 --as eli
