# Writes a small MLflow file store with the real mlflow client (mlflow-skinny, scripts/requirements.txt):
# a parent run with params, tags, a git commit and metric histories (one NaN), and a nested child run.
# The run import-mlflow test reads it. Usage: python scripts/make_mlflow_store.py FOLDER
import os, sys
os.environ["MLFLOW_ALLOW_FILE_STORE"] = "true"
import mlflow
folder = sys.argv[1]
mlflow.set_tracking_uri("file://" + folder)
mlflow.set_experiment("joints-cnn")
with mlflow.start_run(run_name="baseline-cnn") as parent:
    mlflow.log_params({"lr": 0.001, "optimizer": "adam", "epochs": 3})
    mlflow.set_tag("stage", "main")
    mlflow.set_tag("mlflow.source.git.commit", "0123456789abcdef0123456789abcdef01234567")
    for step in range(3):
        mlflow.log_metric("train_loss", 1.0 / (step + 1), step=step)
        mlflow.log_metric("dev/f1", 0.5 + step * 0.1, step=step)
    mlflow.log_metric("val_loss", float("nan"), step=3)
    with mlflow.start_run(run_name="child-sweep", nested=True):
        mlflow.log_param("lr", 0.0003)
        mlflow.log_metric("dev/f1", 0.81)
print(parent.info.run_id)
