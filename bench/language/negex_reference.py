#!/usr/bin/env python3
"""Benchmark peer: a small RE-IMPLEMENTATION (written for MedSight, not the original file) of
the original Python NegEx algorithm, negex.py v1.2 (Peter Kang & Wendy Chapman; algorithm:
Chapman et al., "A simple algorithm for identifying negated findings and diseases in discharge
summaries", J Biomed Inform 2001).

It follows negex.py step by step so its speed and answers stand in for the original:
  1. rules sorted by length (longest first); each trigger becomes the regex \\b(w1\\s+w2...)\\b,
     case-insensitive, and every occurrence in the sentence is rewritten to
     " [TAG]w1_w2[TAG] " one rule after the other;
  2. the condition phrase (words joined by \\W+) is tagged [PHRASE]...[PHRASE];
  3. tokens are scanned left to right for [PREN] scopes (ended by CONJ/PSEU/POST/PREP/POSP or
     the next PREN), then right to left for [POST] scopes, turning [PHRASE] into [NEGATED];
     with negP the same passes run for [PREP]/[POSP] giving [POSSIBLE];
  4. the sentence is "negated" if [NEGATED] remains, "possible" if [POSSIBLE], else
     "affirmed".
As in negex.py's own evaluation wrapper, possible negations are off (negP=False).

Usage: negex_reference.py TRIGGERS CORPUS [--repeat N] [--workers W]  (prints JSON)
"""
import json
import multiprocessing
import re
import resource
import sys
import time


def sort_rules(rule_lines):
    rule_lines = sorted(rule_lines, key=len, reverse=True)
    rules = []
    for line in rule_lines:
        parts = line.strip().split('\t')
        if not parts or not parts[0]:
            continue
        words = parts[0].split()
        pattern = r'\b(' + r'\s+'.join(words) + r')\b'
        parts.append(re.compile(pattern, re.IGNORECASE))
        rules.append(parts)
    return rules


def neg_tag(sentence, phrases, rules, neg_possible=False):
    filler = '_'
    for rule in rules:
        trigger, tag, regex = rule[0], rule[-2], rule[-1]
        reformatted = re.sub(r'\s+', filler, trigger.strip())
        sentence = regex.sub(' ' + tag.strip() + reformatted + tag.strip() + ' ', sentence)
    for phrase in phrases:
        phrase = re.sub(r'([.^$*+?{\\|()[\]])', r'\\\1', phrase)
        joined = r'\b' + r'\W+'.join(phrase.split()) + r'\b'
        match = re.compile(joined, re.IGNORECASE).search(sentence)
        if match:
            sentence = sentence.replace(
                match.group(0), '[PHRASE]' + re.sub(r'\s+', filler, match.group(0).strip()) +
                '[PHRASE]')

    def forward(tokens, trigger, others, replacement):
        flag = overlap = 0
        out = []
        for i, token in enumerate(tokens):
            if token[:6] == trigger:
                flag, overlap = 1, 0
            if token[:6] in others:
                overlap = 1
            if i + 1 < len(tokens) and tokens[i + 1][:6] == trigger:
                overlap = 1
            if flag == 1 and overlap == 0:
                token = token.replace('[PHRASE]', replacement)
            out.append(token)
        return out

    def backward(tokens, trigger, others, replacement):
        flag = overlap = 0
        out = []
        for i, token in enumerate(reversed(tokens)):
            if token[-6:] == trigger:
                flag, overlap = 1, 0
            if token[-6:] in others:
                overlap = 1
            rev_next = len(tokens) - 2 - i
            if rev_next >= 0 and tokens[rev_next][-6:] == trigger:
                overlap = 1
            if flag == 1 and overlap == 0:
                token = token.replace('[PHRASE]', replacement)
            out.insert(0, token)
        return out

    tokens = sentence.split()
    tokens = forward(tokens, '[PREN]', ['[CONJ]', '[PSEU]', '[POST]', '[PREP]', '[POSP]'],
                     '[NEGATED]')
    tokens = backward(tokens, '[POST]', ['[CONJ]', '[PSEU]', '[PREN]', '[PREP]', '[POSP]'],
                      '[NEGATED]')
    if neg_possible:
        tokens = forward(tokens, '[PREP]', ['[CONJ]', '[PSEU]', '[POST]', '[PREN]', '[POSP]'],
                         '[POSSIBLE]')
        tokens = backward(tokens, '[POSP]', ['[CONJ]', '[PSEU]', '[PREN]', '[PREP]', '[POST]'],
                          '[POSSIBLE]')
    tagged = ' '.join(tokens)
    if '[NEGATED]' in tagged:
        return 'negated'
    if '[POSSIBLE]' in tagged:
        return 'possible'
    return 'affirmed'


RULES = None


def _init(trigger_path):
    global RULES
    with open(trigger_path, encoding='utf-8') as f:
        RULES = sort_rules(f.readlines())


def _tag_row(row):
    return neg_tag(row[2], [row[1]], RULES)


def main():
    args = sys.argv[1:]
    trigger_path, corpus_path = args[0], args[1]
    repeat = int(args[args.index('--repeat') + 1]) if '--repeat' in args else 1
    workers = int(args[args.index('--workers') + 1]) if '--workers' in args else 1
    with open(corpus_path, encoding='utf-8') as f:
        rows = [line.rstrip('\n').split('\t') for line in f][1:]
    rows = [r for r in rows if len(r) >= 6]
    work = rows * repeat
    _init(trigger_path)
    start = time.perf_counter()
    if workers == 1:
        answers = [_tag_row(r) for r in work]
    else:
        with multiprocessing.Pool(workers, initializer=_init, initargs=(trigger_path,)) as pool:
            answers = pool.map(_tag_row, work, chunksize=64)
    seconds = time.perf_counter() - start
    tp = fp = fn = 0
    for row, answer in zip(rows, answers[:len(rows)]):
        gold = row[3].strip().lower() == 'negated'
        predicted = answer == 'negated'
        tp += gold and predicted
        fp += predicted and not gold
        fn += gold and not predicted
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(json.dumps({
        'implementation': 'negex.py algorithm (MedSight re-implementation, Python ' +
                          sys.version.split()[0] + ')',
        'workers': workers, 'sentences': len(work), 'seconds': seconds,
        'sentences_per_second': len(work) / seconds,
        'peak_rss_kib': own + (children * workers if workers > 1 else 0),
        'negation_f1': f1, 'precision': precision, 'recall': recall}))


if __name__ == '__main__':
    main()
