def save_report(path, text):
    with open(path, "w") as f:  # ok: PR301
        f.write(text)  # ok: PR301
