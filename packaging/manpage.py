#!/usr/bin/env python3
"""Writes streamscope(1) from the program's own --help texts, so the manual can never drift from the options.

    manpage.py PROGRAM OUT.1.gz VERSION DATE

One section per command (each command's --help: its description, example and options), plus the global usage,
exit status and files. Text is escaped for roff; the output is gzip'd reproducibly (mtime 0, no file name).
"""
import gzip
import re
import subprocess
import sys


def run_help(program, *args):
    result = subprocess.run([program, *args, "--help"], capture_output=True, text=True, check=True,
                            env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"})
    return result.stdout.replace(program, "streamscope")


def roff(text):
    """Escapes plain text for roff: backslashes, minus signs, and lines starting with a control character."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join(("\\&" + line) if line.startswith((".", "'")) else line for line in text.split("\n"))


def commands_of(global_help):
    """(name, summary) of each command listed under 'Commands:' in the global help."""
    block = global_help.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    return [tuple(re.split(r"\s{2,}", line.strip(), maxsplit=1)) for line in block.splitlines() if line.strip()]


def options_of(option_block):
    """[(signature, description)] from a Qt --help 'Options:' block (continuation lines folded in)."""
    entries = []
    for line in option_block.splitlines():
        match = re.match(r"^  (-\S.*?)(?:\s{2,}(.*))?$", line)
        if match:
            entries.append([match.group(1), match.group(2) or ""])
        elif entries and line.strip():
            entries[-1][1] += " " + line.strip()
    return entries


def command_section(name, summary, text):
    out = [".SS " + roff(name), roff(summary[0].upper() + summary[1:]) + "."]
    head, _, rest = text.partition("\nOptions:\n")
    option_block = rest.split("\nArguments:\n", 1)[0]
    usage, _, description = head.partition("\n")
    out.append(".PP\n.B " + roff(usage.replace("Usage: ", "").replace("[options] " + name, name + " [options]")))
    for paragraph in description.strip().split("\n\n"):
        if paragraph.startswith("Example"):
            out.append(".PP\n.nf\n" + roff(paragraph) + "\n.fi")
        else:
            out.append(".PP\n" + roff(" ".join(paragraph.split("\n"))))
    for signature, meaning in options_of(option_block):
        if "--help-all" in signature:
            continue
        out.append(".TP\n.B " + roff(signature) + "\n" + roff(meaning))
    return "\n".join(out)


def main():
    program, out_path, version, date = sys.argv[1:5]
    global_help = run_help(program)
    synopsis_lines = [l.replace("Usage: ", "").strip() for l in global_help.split("\n\n", 1)[0].splitlines()]
    intro = global_help.split("\n\n", 2)[1]
    exit_line = [l for l in global_help.splitlines() if l.startswith("Exit codes:")][0]
    page = [
        '.TH STREAMSCOPE 1 "%s" "streamscope %s" "User Commands"' % (date, roff(version)),
        ".SH NAME",
        "streamscope \\- inspect, audit and replay captured DynamoDB stream data",
        ".SH SYNOPSIS",
        "\n.br\n".join(roff(line) for line in synopsis_lines),
        ".SH DESCRIPTION",
        roff(" ".join(intro.split("\n"))),
        ".PP",
        "Run \\fBstreamscope\\fR \\fIcommand\\fR \\fB\\-\\-help\\fR for the options of one command; they are "
        "listed below as well.",
        ".SH COMMANDS",
    ]
    for name, summary in commands_of(global_help):
        page.append(command_section(name, summary, run_help(program, name)))
    page += [
        ".SH EXIT STATUS",
        roff(exit_line.replace("Exit codes: ", "")) + ".",
        "An import or export stopped by SIGINT or SIGTERM exits with 130 or 143.",
        ".SH FILES",
        ".TP",
        ".I ~/.local/share/Streamscope/default.streamscope",
        "The store the desktop application opens when no other is given (\\fBstreamscope paths\\fR prints it).",
        ".SH SEE ALSO",
        ".BR sqlite3 (1)",
        "",
    ]
    with open(out_path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", compresslevel=9, fileobj=raw, mtime=0) as zipped:
            zipped.write("\n".join(page).encode("utf-8"))


if __name__ == "__main__":
    main()
