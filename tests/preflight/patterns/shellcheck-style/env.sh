MODEL_DIR=/valohai/outputs
export MODEL_DIR
