def render(rows):
    html = ""
    for row in rows:
        html += f"<tr><td>{row}</td></tr>"  # PR304[MEDIUM]: 9 "html += ..."
    return html


def render_while(lines):
    out = "start"
    while lines:
        out = out + lines.pop()  # PR304[MEDIUM]: 9 "out = out + ..."
    return out


def prepend(parts):
    text = ""
    for part in parts:
        text = part + text  # PR304[MEDIUM]: 9 "text = ... + text (prepending"
    return text


def annotated(rows, header: str):
    for row in rows:
        header += str(row)  # PR304[MEDIUM]: 9
    return header


def small_loops():
    label = ""
    for name in ["a", "b", "c"]:
        label += name  # ok: PR304
    code = ""
    for i in range(10):
        for j in range(5):
            code += str(i * j)  # PR304[LOW]: 13 "at most 50"
    big = ""
    for i in range(1000):
        big += str(i)  # PR304[MEDIUM]: 9
    twenty = ""
    for i in range(20):
        twenty += str(i)  # ok: PR304
    thirty = ""
    for i in range(1, 31):
        thirty += str(i)  # PR304[LOW]: 9 "at most 30 iterations"
    return label, code, big, twenty, thirty


def explicit_bounds(rows, words: list[str]):
    head = ""
    for row in rows[:10]:
        head += str(row)  # ok: PR304
    pairs = ""
    for index, _ in zip(range(5), rows):
        pairs += str(index)  # ok: PR304
    first = ""
    for word in words[:50]:
        first += word  # PR304[LOW]: 9 "at most 50 iterations"
    return head, pairs, first


def nested_reset(groups):
    lines = []
    for group in groups:
        line = ""
        for item in group:
            line += item  # PR304[MEDIUM]: 13
        lines.append(line)
    return lines


def near_misses(rows):
    total = 0
    for row in rows:
        total += row  # ok: PR304
    items = []
    for row in rows:
        items += [row]  # ok: PR304
    for row in rows:
        piece = ""
        piece += row  # ok: PR304
        print(piece)
    parts = []
    for row in rows:
        parts.append(str(row))  # ok: PR304
    text = "".join(parts)
    return total, items, text


def unknown_type(rows, acc):
    for row in rows:
        acc += row  # ok: PR304
    return acc


def one_finding_per_string(actions):
    code = ""
    for action in actions:
        if action.kind == "click":
            code += f"click({action.x}, {action.y})\n"  # PR304[MEDIUM]: 13 "and 2 more concatenations"
        elif action.kind == "type":
            code += f"write({action.text!r})\n"  # ok: PR304
        else:
            code = code + "pass\n"  # ok: PR304
    return code


def list_extended_before_and_in_a_loop(groups):
    hits = []
    hits += ["first"]
    for group in groups:
        hits += group  # ok: PR304


def int_advanced_before_and_in_a_loop(words: list[str], index: int):
    index += 1
    while index < len(words):
        index += 2  # ok: PR304


def str_extended_before_and_in_a_loop(parts):
    text = ""
    text += "head"
    for part in parts:
        text += part  # PR304[MEDIUM]: 9
    return text


def mask(name: str) -> str:
    if len(name) > 15:  # longer names leave here: the loop below runs at most 12 times
        return name[:3] + "~"
    masked = ""
    for char in name[3:]:
        masked += "*" if char.isalnum() else char  # ok: PR304


def mask_unbounded(name: str, limit: int) -> str:
    if len(name) > limit:  # no constant bound
        return name
    masked = ""
    for char in name:
        masked += "*"  # PR304[MEDIUM]: 9
    if len(name) > 15:  # after the loop: bounds nothing
        return masked
    return masked


ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def to_base62(number: int) -> str:
    base = len(ALPHABET)
    encoded = ""
    while number:  # one iteration per digit: at most 11 for a 64-bit number
        number, remainder = divmod(number, base)
        encoded = ALPHABET[remainder] + encoded  # ok: PR304
    return encoded


def to_base26(num: int) -> str:
    result = ""
    while num > 0:
        result = chr(65 + num % 26) + result  # ok: PR304
        num = num // 26
    return result


def to_binary(num: int) -> str:
    bits = ""
    while num:
        bits = str(num & 1) + bits  # PR304[LOW]: 9 "at most 64 iterations"
        num >>= 1
    return bits


def countdown(num: int, step: int) -> str:
    text = ""
    while num > 0:
        text += str(num)  # PR304[MEDIUM]: 9
        num -= step
    return text
