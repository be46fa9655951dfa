#!/usr/bin/env bash
# Continues the shipped example workspace (Workspaces/pcb-defects) into its training stage,
# through the mlw command line: the lead and the SME restate the metric policy in the figures
# an evaluation reports; eli (engineer) trains a quick-and-dirty logistic regression and a
# ResNet-18 on the same pinned splits, evaluates both on dev under the policy, tags the ResNet's
# dev errors (glare on QFP leads is the clear winner), finds likely label issues by confident
# learning and sends them to review; sami adjudicates them; a second ResNet run is pinned to the
# corrected labels.
# Usage: scripts/make_example_training.sh [MLW]   (run once, after make_example_labels.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
mlw=${1:-.build/debug/mlw}
export MLW_ROOT=${MLW_ROOT:-Workspaces} MLW_WORKSPACE=pcb-defects
inputs=$(mktemp -d)
trap 'rm -rf "$inputs"' EXIT

"$mlw" lead metric-policy set --as ana --metric f1 --candidates f1,accuracy,recall \
  --slice-bar 'recall[bridge]>=0.75' \
  --rationale "an escaped bridge costs a field return; f1 over the four classes keeps the inspectors' load in check" \
  --message "in the per-class figures mlw's evaluations report (recall[bridge] is the bridging recall)"

"$mlw" sme baseline add hlp-glare --as sami --type human-level --quality domain-expert \
  --measured "3 inspectors re-judged 60 QFP joints photographed under the line's glare" \
  --metric 'accuracy[tag=glare]=0.9' --metric 'accuracy[tag=blurry]=0.97' --source "inspection study, line 3, November" \
  --message "human level on the images error analysis singles out"

"$mlw" engineer run start quick-logreg --as eli --dataset joints --split-rule 'train=0.6,dev=0.2,test=0.2' --seed 6 \
  --code 4be2c1d9 --param model=logreg --param c=1.0 --param features=hog --tag stage=baseline \
  --message "quick and dirty: HOG features and a logistic regression, to have something to beat"
"$mlw" engineer run start resnet18-a --as eli --dataset joints --split-rule 'train=0.6,dev=0.2,test=0.2' --seed 6 \
  --code 9f31a7e0 --param model=resnet18 --param lr=0.0003 --param optimizer=adam --param epochs=30 --param augment=true \
  --tag stage=main --parent quick-logreg --message "ResNet-18, ImageNet weights, on the consensus labels after guidelines v3"

# Training curves and predictions, made up but consistent: the logistic regression calls almost
# everything ok; the ResNet is good except on QFP bridges under glare.
python3 - "$mlw" "$inputs" <<'PY'
import json, math, os, subprocess, sys
mlw, folder = sys.argv[1], sys.argv[2]
run = json.loads(subprocess.check_output([mlw, "engineer", "run", "show", "resnet18-a", "--json"]))
root = os.environ["MLW_ROOT"] + "/pcb-defects/content/"
splits = [json.loads(l) for l in open(root + "sha256-" + run["splits"]["sha256"][7:] + ".ndjson")]
labels = {r["item"]: r["label"] for r in map(json.loads, open(root + "sha256-" + run["labels"]["sha256"][7:] + ".ndjson"))}
classes = ["ok", "bridge", "void", "insufficient"]
dev = [r["item"] for r in splits if r["split"] == "dev"]
# A joint the annotators called ok that the model is sure is a void (it is: see below).
doubted = [i for i in dev if labels[i] == "ok" and int(i[5:]) not in (2, 6)][:1]
def rows(model):
    out = []
    for n, item in enumerate(dev):
        truth = labels[item]
        joint = int(item[5:])
        if model == "logreg":
            pred = "ok" if truth != "bridge" or n % 2 else "bridge"
            conf = 0.55
        else:
            pred = truth
            conf = 0.9
            if truth == "bridge" and joint in (2, 6):  # glare on QFP leads: the bridge is missed, unsure
                pred, conf = "ok", 0.45
                out.append((item, pred, "top" if joint <= 4 else "bottom", [0.45, 0.40, 0.075, 0.075]))
                continue
            if item in doubted:  # the model is sure of a label the annotators did not give
                pred, conf = "void", 0.96
        p = {c: (1 - conf) / 3 for c in classes}
        p[pred] = conf
        slices = "top" if joint <= 4 else "bottom"
        out.append((item, pred, slices, [p[c] for c in classes]))
    return out
for model, name in (("logreg", "quick-logreg"), ("resnet", "resnet18-a")):
    with open(f"{folder}/{name}-dev.csv", "w") as f:
        f.write("item,prediction,side," + ",".join(f"proba[{c}]" for c in classes) + "\n")
        for item, pred, side, probs in rows(model):
            f.write(f"{item},{pred},{side}," + ",".join(f"{x:.4f}" for x in probs[:-1]) + f",{1 - sum(round(x, 4) for x in probs[:-1]):.4f}\n")
    with open(f"{folder}/{name}-curve.jsonl", "w") as f:
        for step in range(1, 11):
            loss = (1.2 if model == "logreg" else 1.4) * math.exp(-step / (6 if model == "logreg" else 3)) + (0.5 if model == "logreg" else 0.08)
            f.write(json.dumps({"metric": "loss", "value": round(loss, 4), "step": step, "split": "train"}) + "\n")
            f.write(json.dumps({"metric": "loss", "value": round(loss * (1.1 if model == "logreg" else 1.6), 4), "step": step, "split": "dev"}) + "\n")
with open(f"{folder}/tags.csv", "w") as f:
    f.write("item,tag\n")
    for item, pred, side, probs in rows("resnet"):
        joint = int(item[5:])
        tags = []
        if labels[item] == "bridge" and joint in (2, 6): tags = ["glare"]
        elif item in doubted: tags = ["mislabeled"]
        elif joint == 8: tags = ["blurry"]
        for t in tags or [""]:
            f.write(f"{item},{t}\n")
PY

for run in quick-logreg resnet18-a; do
  "$mlw" engineer run log "$run" --as eli --file "$inputs/$run-curve.jsonl"
  "$mlw" engineer run artifact "$run" "$inputs/$run-dev.csv" --name dev-predictions --as eli >/dev/null
  "$mlw" engineer run finish "$run" --as eli
  "$mlw" engineer run evaluate "$run" --as eli --split dev --predictions "$inputs/$run-dev.csv" --slice side \
    --message "dev evaluation after training"
done
"$mlw" engineer errors import resnet18-a --split dev "$inputs/tags.csv" --as eli \
  --message "every dev item looked at on the AOI station, tagged by what the image shows"
"$mlw" engineer label-issues resnet18-a --split dev --send-to-review --as eli
# The SME looks at the flagged joints under the microscope and settles them.
for item in $("$mlw" sme disagreements joints --as sami --json | python3 -c 'import json,sys; print(" ".join(d["item"] for d in json.load(sys.stdin)["items"] if d.get("flag")))'); do
  label=$("$mlw" sme disagreements joints --as sami --json | python3 -c "import json,sys; print([d['flag']['suspected'] for d in json.load(sys.stdin)['items'] if d['item']=='$item'][0])")
  "$mlw" sme adjudicate joints "$item" "$label" --as sami --reason "under the microscope: a void at the edge, the model was right"
done
"$mlw" engineer run start resnet18-b --as eli --dataset joints --split-rule 'train=0.6,dev=0.2,test=0.2' --seed 6 \
  --code 9f31a7e0 --param model=resnet18 --param lr=0.0003 --param optimizer=adam --param epochs=30 --param augment=true \
  --param glare-augment=true --tag stage=main --parent resnet18-a \
  --message "the same ResNet on the corrected labels, with glare augmentation for QFP leads"
