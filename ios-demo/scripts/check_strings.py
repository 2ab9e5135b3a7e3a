#!/usr/bin/env python3
"""Checks the iOS demo's texts against themselves and against the Android demo's.

    check_strings.py            (from the repository root; run by bindings/scripts/check-swift.sh)

The two apps show the same words, in English and French, under the same keys, and their
presentation logic asks for the same keys. This checks, without Xcode or Android:

- every Localizable.strings line parses, and en and fr define the same keys;
- Localizable.stringsdict parses (plistlib), each entry is a plural rule with `one` and `other`
  (and French `many`), en and fr define the same keys;
- the keys and the texts are those of android-demo/app/src/main/res/values{,-fr}/strings.xml,
  with Android's placeholders (%1$s, %1$d) written as iOS's (%1$@, %1$ld; %ld inside a plural);
- the Swift presentation's `Text`/`Plural` keys are exactly the Kotlin presentation's.

Exits 0 when all hold, 1 with one line per problem otherwise.
"""

import plistlib
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ANDROID_RES = Path("android-demo/app/src/main/res")
IOS_RES = Path("ios-demo/Sources/PasserellePresentation/Resources")
KOTLIN_KEYS = Path("android-demo/app/src/main/kotlin/app/passerelle/demo/presentation/Strings.kt")
SWIFT_KEYS = Path("ios-demo/Sources/PasserellePresentation/Strings.swift")
LANGUAGES = {"en": "values", "fr": "values-fr"}

STRINGS_LINE = re.compile(r'^"((?:[^"\\]|\\.)*)"\s*=\s*"((?:[^"\\]|\\.)*)";$')

problems = []


def problem(text):
    problems.append(text)


def unescape_android(raw):
    out, i = [], 0
    while i < len(raw):
        if raw[i] == "\\" and i + 1 < len(raw):
            out.append({"n": "\n", "t": "\t"}.get(raw[i + 1], raw[i + 1]))
            i += 2
        else:
            out.append(raw[i])
            i += 1
    return "".join(out)


def unescape_strings(raw):
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), raw)


def ios_format(android_text, in_plural=False):
    """Android's placeholders as iOS writes them."""
    text = re.sub(r"%(\d+)\$d", r"%\1$ld", android_text)
    text = re.sub(r"%(\d+)\$s", r"%\1$@", text)
    return text.replace("%1$ld", "%ld") if in_plural else text


def read_android(folder):
    strings, plurals = {}, {}
    for element in ET.parse(ANDROID_RES / folder / "strings.xml").getroot():
        name = element.get("name")
        if element.tag == "string":
            strings[name] = unescape_android(element.text or "")
        elif element.tag == "plurals":
            plurals[name] = {item.get("quantity"): unescape_android(item.text or "") for item in element}
    return strings, plurals


def read_strings(path):
    entries = {}
    in_comment = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        stripped = line.strip()
        if in_comment:
            in_comment = "*/" not in stripped
            continue
        if not stripped or stripped.startswith("//"):
            continue
        if stripped.startswith("/*"):
            in_comment = "*/" not in stripped
            continue
        match = STRINGS_LINE.match(stripped)
        if not match:
            problem(f"{path}:{number}: not a \"key\" = \"value\"; line")
            continue
        key = match.group(1)
        if key in entries:
            problem(f"{path}:{number}: {key} defined twice")
        entries[key] = unescape_strings(match.group(2))
    return entries


def read_stringsdict(path, language):
    with path.open("rb") as f:
        data = plistlib.load(f)
    plurals = {}
    for key, entry in data.items():
        rule = entry.get("count", {})
        if entry.get("NSStringLocalizedFormatKey") != "%#@count@" or \
                rule.get("NSStringFormatSpecTypeKey") != "NSStringPluralRuleType" or \
                rule.get("NSStringFormatValueTypeKey") != "ld":
            problem(f"{path}: {key} is not a %#@count@ plural rule of ld")
            continue
        forms = {q: t for q, t in rule.items() if not q.startswith("NSString")}
        needed = {"one", "other"} | ({"many"} if language == "fr" else set())
        if set(forms) != needed:
            problem(f"{path}: {key} has forms {sorted(forms)}, expected {sorted(needed)}")
        plurals[key] = forms
    return plurals


def enum_keys(path, pattern):
    return set(re.findall(pattern, path.read_text(encoding="utf-8")))


def main():
    ios = {}
    for language, folder in LANGUAGES.items():
        strings = read_strings(IOS_RES / f"{language}.lproj" / "Localizable.strings")
        plurals = read_stringsdict(IOS_RES / f"{language}.lproj" / "Localizable.stringsdict", language)
        ios[language] = (strings, plurals)

        android_strings, android_plurals = read_android(folder)
        for key in sorted(set(android_strings) ^ set(strings)):
            side = "Android" if key in android_strings else "iOS"
            problem(f"{language}: {key} only in the {side} strings")
        for key in sorted(set(android_strings) & set(strings)):
            if ios_format(android_strings[key]) != strings[key]:
                problem(f"{language}: {key} differs: Android {android_strings[key]!r}, iOS {strings[key]!r}")
        for key in sorted(set(android_plurals) ^ set(plurals)):
            side = "Android" if key in android_plurals else "iOS"
            problem(f"{language}: plural {key} only in the {side} strings")
        for key in sorted(set(android_plurals) & set(plurals)):
            expected = {q: ios_format(t, in_plural=True) for q, t in android_plurals[key].items()}
            if expected != plurals[key]:
                problem(f"{language}: plural {key} differs: Android {expected}, iOS {plurals[key]}")

    (en_strings, en_plurals), (fr_strings, fr_plurals) = ios["en"], ios["fr"]
    if set(en_strings) != set(fr_strings):
        problem(f"en/fr Localizable.strings keys differ: {sorted(set(en_strings) ^ set(fr_strings))}")
    if set(en_plurals) != set(fr_plurals):
        problem(f"en/fr Localizable.stringsdict keys differ: {sorted(set(en_plurals) ^ set(fr_plurals))}")

    kotlin = enum_keys(KOTLIN_KEYS, r'\b[A-Z0-9_]+\("([a-z0-9_]+)"\)')
    swift = enum_keys(SWIFT_KEYS, r'\bcase \w+ = "([a-z0-9_]+)"')
    if not kotlin or not swift:
        problem("no presentation keys found in Strings.kt or Strings.swift")
    for key in sorted(kotlin ^ swift):
        side = "Kotlin" if key in kotlin else "Swift"
        problem(f"presentation key {key} only in the {side} presentation")
    for key in sorted(swift - set(en_strings) - set(en_plurals)):
        problem(f"the Swift presentation asks for {key}, which no strings file defines")

    for line in problems:
        print(f"check_strings: {line}", file=sys.stderr)
    if problems:
        return 1
    print(f"check_strings: {len(en_strings)} texts and {len(en_plurals)} plurals match in en and fr, "
          f"and match the Android app; {len(swift)} presentation keys match the Kotlin ones")
    return 0


if __name__ == "__main__":
    sys.exit(main())
