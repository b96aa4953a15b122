print("validate benchmark")
