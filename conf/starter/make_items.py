#!/usr/bin/env python3
"""Generate the starter item banks (demo-cat-items.csv, questionnaire-items.csv).

Python 3 standard library only. The output is deterministic (fixed seed), so
running this again gives byte-identical files; edit the item lists below, not
the CSV files, and run `python3 conf/starter/make_items.py` then
`python3 conf/starter/check.py`.

Every numeracy answer is computed here with exact arithmetic (fractions.Fraction)
and compared with the answer written in the item, so a typo in either fails
the generation. Distractors must differ from the answer by value, not only by
spelling.

The IRT parameters are invented, not calibrated: see README.md.
"""

import copy
import csv
import io
import itertools
import json
import math
import os
import random
import sys
from fractions import Fraction as F

HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20240604

COLUMNS = ["id", "fixedIndex", "trait", "question", "responseOptions",
           "p1", "p2", "p3", "p4", "skippable", "instructions", "itemSet"]
GRM_COLUMNS = ["id", "fixedIndex", "trait", "question", "responseOptions",
               "p1", "p2", "p3", "p4", "p5", "skippable", "instructions",
               "itemSet"]

NUMERACY_INSTRUCTIONS = ("Choose one answer. Work it out in your head or on "
                         "paper; please do not use a calculator.")
VOCABULARY_INSTRUCTIONS = ("Choose the word or phrase whose meaning is closest "
                           "to the word in quotation marks.")

# ---------------------------------------------------------------- numeracy
# Difficulty levels 1 (very easy) .. 9 (very hard), our judgement of how hard
# the question is for an adult without a calculator; b is drawn from the
# level's band (see band_b).


def fmt(v):
    """A number as it is written in an option label: 3, 0.75, -4, 3/4."""
    if isinstance(v, int):
        v = F(v)
    if v.denominator == 1:
        s = str(v.numerator)
    else:
        # a terminating decimal when the fraction has one with <= 4 digits
        for digits in range(1, 5):
            scaled = v * 10 ** digits
            if scaled.denominator == 1:
                n = abs(scaled.numerator)
                s = str(n).rjust(digits + 1, "0")
                s = s[:-digits] + "." + s[-digits:]
                if v < 0:
                    s = "-" + s
                break
        else:
            raise ValueError("not a terminating decimal: %s" % v)
    return s.replace("-", "\u2212")  # typographic minus sign


def frac(v):
    """A number written as a fraction in lowest terms: 3/4, 2."""
    v = F(v)
    if v.denominator == 1:
        return str(v.numerator).replace("-", "\u2212")
    return ("%d/%d" % (v.numerator, v.denominator)).replace("-", "\u2212")


class Item:
    def __init__(self, trait, level, question, labels, correct, instructions):
        self.trait = trait
        self.level = level
        self.question = question
        self.labels = labels          # in display order
        self.correct = correct        # index into labels
        self.instructions = instructions


NUMERACY = []


def num(level, question, answer, distractors, computed, form=fmt, unit=""):
    """A numeric item. `answer` is what the item author wrote; `computed`
    is the same answer computed from the question's numbers. The options are
    put in order later (see place_correct)."""
    answer, computed = F(answer), F(computed)
    if answer != computed:
        sys.exit("numeracy item %r: written answer %s, computed %s"
                 % (question, answer, computed))
    values = [answer] + [F(d) for d in distractors]
    if len(values) != 4 or len(set(values)) != 4:
        sys.exit("numeracy item %r: need 3 distractors that differ from the "
                 "answer and from each other by value" % question)
    labels = [form(v) + unit for v in values]
    if len(set(labels)) != 4:
        sys.exit("numeracy item %r: labels not distinct" % question)
    NUMERACY.append(Item("numeracy", level, question, labels, 0,
                         NUMERACY_INSTRUCTIONS))


def txt(level, question, correct_label, distractor_labels, check):
    """A numeracy item whose options are not plain numbers (times, text).
    `check(label)` must be true for the correct label only."""
    labels = [correct_label] + list(distractor_labels)
    if len(set(labels)) != 4:
        sys.exit("item %r: 4 distinct options needed" % question)
    good = [lab for lab in labels if check(lab)]
    if good != [correct_label]:
        sys.exit("item %r: check accepts %r, expected only %r"
                 % (question, good, correct_label))
    NUMERACY.append(Item("numeracy", level, question, labels, 0,
                         NUMERACY_INSTRUCTIONS))


def clock(minutes):
    minutes %= 24 * 60
    return "%02d:%02d" % (minutes // 60, minutes % 60)


def prob_two_dice(pred):
    hits = sum(1 for a, b in itertools.product(range(1, 7), repeat=2)
               if pred(a, b))
    return F(hits, 36)


def hand_angle(h, m):
    """Smaller angle between the hands of a 12-hour analogue clock."""
    minute = 6 * m
    hour = 30 * (h % 12) + F(m, 2)
    a = abs(hour - minute) % 360
    return min(a, 360 - a)


def solve_linear(f, lo=-1000, hi=1000):
    """The unique integer x in [lo, hi] with f(x) true."""
    xs = [x for x in range(lo, hi + 1) if f(F(x))]
    assert len(xs) == 1, xs
    return xs[0]


# Level 1: single-step whole-number facts.
num(1, "What is 7 + 8?", 15, [13, 14, 16], 7 + 8)
num(1, "What is 15 \u2212 6?", 9, [7, 8, 11], 15 - 6)
num(1, "What is 4 \u00d7 3?", 12, [7, 10, 16], 4 * 3)
num(1, "What is 20 \u00f7 4?", 5, [4, 6, 16], F(20, 4))
num(1, "What is half of 18?", 9, [6, 8, 36], F(18, 2))
num(1, "What number comes next in the sequence 2, 4, 6, 8, \u2026?", 10,
    [9, 12, 16], 8 + 2)
num(1, "A basket holds 5 apples. 4 more apples are put in. How many apples "
    "are in the basket now?", 9, [1, 8, 20], 5 + 4)
num(1, "What is 10 \u00d7 10?", 100, [20, 110, 1000], 10 * 10)
num(1, "Which of these whole numbers is the largest?", 83, [38, 58, 80],
    max(83, 38, 58, 80))
num(1, "What is 13 + 29?", 42, [32, 41, 43], 13 + 29)
num(1, "What number comes next in the sequence 100, 90, 80, 70, \u2026?", 60,
    [50, 65, 69], 70 - 10)
num(1, "What is double 45?", 90, [80, 85, 95], 2 * 45)

# Level 2: two-digit arithmetic, times tables, simple word problems.
num(2, "What is 36 + 47?", 83, [73, 81, 93], 36 + 47)
num(2, "What is 9 \u00d7 7?", 63, [56, 64, 72], 9 * 7)
num(2, "What is 56 \u00f7 8?", 7, [6, 8, 9], F(56, 8))
num(2, "What is 100 \u2212 37?", 63, [53, 67, 73], 100 - 37)
num(2, "A box holds 6 eggs. How many eggs are there in 7 full boxes?", 42,
    [13, 36, 48], 6 * 7)
num(2, "What number comes next in the sequence 5, 10, 15, 20, \u2026?", 25,
    [21, 30, 40], 20 + 5)
num(2, "How many minutes are there in 2 hours?", 120, [60, 100, 200], 2 * 60)
num(2, "What is 3 \u00d7 25?", 75, [65, 70, 80], 3 * 25)
num(2, "What is 7 \u00d7 8?", 56, [48, 54, 64], 7 * 8)
num(2, "A bus has 48 seats and 29 of them are taken. How many seats are "
    "free?", 19, [17, 21, 29], 48 - 29)

# Level 3: simple fractions, percentages and decimals; longer facts.
num(3, "What is 25% of 80?", 20, [16, 25, 40], F(25, 100) * 80)
num(3, "What is 3/4 of 20?", 15, [5, 12, 16], F(3, 4) * 20)
num(3, "What number comes next in the sequence 3, 6, 12, 24, \u2026?", 48,
    [30, 36, 72], 24 * 2)
num(3, "What is 1/2 + 1/4?", F(3, 4), [F(1, 8), F(1, 6), F(1, 3)],
    F(1, 2) + F(1, 4), form=frac)
num(3, "What is 12 \u00d7 11?", 132, [121, 122, 142], 12 * 11)
num(3, "A ribbon 90 cm long is cut into 3 equal pieces. How long is each "
    "piece?", 30, [27, 33, 87], F(90, 3), unit=" cm")
num(3, "What is 0.5 + 0.25?", F("0.75"), [F("0.3"), F("0.525"), F("0.7")],
    F("0.5") + F("0.25"))
num(3, "What is 10% of 350?", 35, [F("3.5"), 30, 45], F(10, 100) * 350)
num(3, "What is 144 \u00f7 12?", 12, [11, 13, 14], F(144, 12))
num(3, "Which of these numbers is the smallest?", -7, [-3, 0, 2],
    min(-3, -7, 2, 0))
num(3, "What is 3.14159 rounded to two decimal places?", F("3.14"),
    [F("3.1"), F("3.142"), F("3.15")], F(round(F("3.14159") * 100), 100))
num(3, "The temperature is \u22125 \u00b0C and then rises by 12 degrees. "
    "What is the temperature now?", 7, [-17, -7, 17], -5 + 12, unit=" \u00b0C")
num(3, "What is 10 \u00d7 10 \u00d7 10?", 1000, [30, 100, 10000], 10 ** 3)

# Level 4: two-step problems, mixed fractions, mean, time.
num(4, "What is 15% of 60?", 9, [6, F("7.5"), 15], F(15, 100) * 60)
num(4, "What is 2/3 + 1/6?", F(5, 6), [F(1, 3), F(1, 2), F(3, 4)],
    F(2, 3) + F(1, 6), form=frac)
num(4, "What number comes next in the sequence 1, 4, 9, 16, \u2026?", 25,
    [20, 23, 32], 5 * 5)
num(4, "Which of these decimal numbers is the largest?", F("0.7"),
    [F("0.095"), F("0.605"), F("0.65")],
    max(F("0.7"), F("0.65"), F("0.095"), F("0.605")))
num(4, "What is the mean (average) of 4, 8 and 9?", 7, [6, 8, 21],
    F(4 + 8 + 9, 3))
txt(4, "A train leaves at 09:45 and the journey takes 1 hour 35 minutes. "
    "At what time does it arrive?", "11:20", ["10:20", "11:10", "11:30"],
    lambda lab: lab == clock(9 * 60 + 45 + 95))
num(4, "What is 0.2 \u00d7 30?", 6, [F("0.6"), 15, 60], F("0.2") * 30)
num(4, "A recipe uses 3 cups of flour to make 12 pancakes. How many cups "
    "of flour are needed for 36 pancakes?", 9, [6, 12, 27], F(3, 12) * 36)
num(4, "What is 1.5 + 2.75?", F("4.25"), [F("3.25"), F("4.2"), F("4.8")],
    F("1.5") + F("2.75"))
num(4, "How many centimetres are there in 3.5 metres?", 350,
    [35, 305, 3500], F("3.5") * 100)
num(4, "What is 8 \u2212 2 \u00d7 3?", 2, [4, 10, 18], 8 - 2 * 3)
num(4, "A bottle holds 1.5 litres. How many 250 ml glasses can be filled "
    "from it?", 6, [4, 5, 8], F(1500, 250))
num(4, "Two angles of a triangle are 50\u00b0 and 60\u00b0. What is the "
    "third angle?", 70, [50, 80, 110], 180 - 50 - 60, unit="\u00b0")
num(4, "8 tickets cost 96 in total. At the same price each, how much do 5 "
    "tickets cost?", 60, [40, 56, 65], F(96, 8) * 5)
num(4, "The probability that it rains tomorrow is 0.35. What is the "
    "probability that it does not rain?", F("0.65"),
    [F("0.35"), F("0.5"), F("0.75")], 1 - F("0.35"))
num(4, "What is 6 \u00d7 0.25?", F("1.5"), [F("0.15"), F("1.25"), F("2.4")],
    6 * F("0.25"))

# Level 5: percentages of change, simple equations, ratio, area.
num(5, "What is 3/5 written as a percentage?", 60, [35, 53, 65],
    F(3, 5) * 100, unit="%")
num(5, "What is 1.2 \u00d7 0.3?", F("0.36"), [F("0.036"), F("0.6"), F("3.6")],
    F("1.2") * F("0.3"))
num(5, "If 3x + 5 = 20, what is x?", 5, [3, 6, 15],
    solve_linear(lambda x: 3 * x + 5 == 20))
num(5, "The price of a jacket is 50. The price rises by 20%. What is the "
    "new price?", 60, [52, 55, 70], 50 * F(120, 100))
num(5, "Two friends share 25 marbles in the ratio 2 : 3. How many marbles "
    "does the second friend get?", 15, [10, 12, 13], F(25 * 3, 2 + 3))
num(5, "A rectangle is 7 cm long and 6 cm wide. What is its area?", 42,
    [13, 26, 48], 7 * 6, unit=" cm\u00b2")
num(5, "A rectangle is 7 cm long and 6 cm wide. What is its perimeter?", 26,
    [13, 24, 42], 2 * (7 + 6), unit=" cm")
num(5, "What is 5/8 written as a decimal?", F("0.625"),
    [F("0.58"), F("0.6"), F("0.65")], F(5, 8))
num(5, "What number comes next in the sequence 81, 27, 9, 3, \u2026?", 1,
    [0, F("1.5"), 2], F(3, 3))
num(3, "What is \u22124 + 9?", 5, [-13, -5, 13], -4 + 9)
num(5, "How many seconds are there in 1 hour?", 3600, [60, 360, 6000],
    60 * 60)
num(5, "What is 1/3 + 1/4?", F(7, 12), [F(1, 7), F(2, 7), F(5, 12)],
    F(1, 3) + F(1, 4), form=frac)
num(5, "A cube has edges 3 cm long. What is its volume?", 27, [9, 18, 54],
    3 ** 3, unit=" cm\u00b3")
num(5, "A runner covers 400 metres in 80 seconds at a steady pace. What is "
    "the runner's speed?", 5, [4, 8, 20], F(400, 80), unit=" m/s")
txt(5, "What is the ratio 18 : 24 in its simplest form?", "3 : 4",
    ["2 : 3", "4 : 5", "6 : 7"],
    lambda lab: (lambda p, q: F(p, q) == F(18, 24) and math.gcd(p, q) == 1)(
        *map(int, lab.split(" : "))))
num(5, "In a class of 30 pupils, 18 are girls and the rest are boys. What "
    "percentage of the class are boys?", 40, [12, 18, 60],
    F(30 - 18, 30) * 100, unit="%")

# Level 6: multi-step, negative numbers, powers, inverse proportion.
num(6, "What number comes next in the sequence 2, 3, 5, 8, 13, \u2026?", 21,
    [18, 19, 26], 8 + 13)
num(6, "A car travels 150 km in 2.5 hours at a steady speed. What is its "
    "speed?", 60, [F("37.5"), 50, 75], F(150) / F("2.5"), unit=" km/h")
num(6, "What is 2/3 of 3/4?", F(1, 2), [F(5, 12), F(5, 7), F(8, 9)],
    F(2, 3) * F(3, 4), form=frac)
num(6, "What is 0.4 \u00f7 0.05?", 8, [F("0.8"), 2, 80], F("0.4") / F("0.05"))
num(6, "What is 12.5% of 240?", 30, [24, 25, 36], F("12.5") / 100 * 240)
num(6, "5 workers take 6 days to build a wall. How many days would 10 "
    "workers take, working at the same rate?", 3, [2, 6, 12], F(5 * 6, 10))
num(6, "The mean of three numbers is 10. Two of them are 8 and 9. What is "
    "the third number?", 13, [10, 11, 17], 3 * 10 - 8 - 9)
num(6, "What is (\u22123) \u00d7 (\u22124)?", 12, [-12, -7, 7], (-3) * (-4))
num(6, "What is 2\u00b3 + 3\u00b2?", 17, [12, 15, 72], 2 ** 3 + 3 ** 2)
num(6, "If 2 to the power x equals 32 (2\u02e3 = 32), what is x?", 5,
    [4, 6, 16], solve_linear(lambda x: x >= 0 and 2 ** int(x) == 32, 0, 64))
num(6, "If x/4 + 3 = 7, what is x?", 16, [1, 4, 40],
    solve_linear(lambda x: x / 4 + 3 == 7))
num(6, "A rectangle has an area of 48 cm\u00b2 and a length of 8 cm. What "
    "is its perimeter?", 28, [6, 14, 40], 2 * (8 + F(48, 8)), unit=" cm")
num(6, "What is 0.75 \u00f7 1.5?", F("0.5"), [F("0.2"), F("1.125"), 2],
    F("0.75") / F("1.5"))
num(6, "600 is saved at 5% simple interest per year. How much interest is "
    "earned in 3 years?", 90, [30, 60, 690], 600 * F(5, 100) * 3)
num(6, "What is 0.333\u2026 (0.3 recurring) written as a fraction?", F(1, 3),
    [F(3, 10), F(1, 30), F(3, 100)], F(1, 3), form=frac)

# Level 7: reverse percentages, probability, harder algebra.
num(7, "A price of 80 is reduced by 25%, and the reduced price is then "
    "increased by 25%. What is the final price?", 75, [70, 80, 85],
    80 * F(75, 100) * F(125, 100))
num(7, "After a 20% discount, a coat costs 64. What was the price before "
    "the discount?", 80, [F("76.8"), 84, 320], 64 / F(80, 100))
num(7, "Two fair coins are tossed. What is the probability that both show "
    "heads?", F(1, 4), [F(1, 3), F(1, 2), F(3, 4)], F(1, 2) * F(1, 2),
    form=frac)
num(7, "What is 3/4 \u00f7 3/8?", 2, [F(9, 32), F(1, 2), 6],
    F(3, 4) / F(3, 8), form=frac)
num(7, "If 2(x \u2212 3) = x + 4, what is x?", 10, [1, 4, 7],
    solve_linear(lambda x: 2 * (x - 3) == x + 4))
num(7, "The ratio of boys to girls in a club is 3 : 5. There are 12 boys. "
    "How many girls are there?", 20, [15, 17, 32], F(12 * 5, 3))
num(7, "A town of 2000 people grows by 10% each year. How many people live "
    "there after 2 years?", 2420, [2200, 2400, 2440],
    2000 * F(11, 10) * F(11, 10))
num(7, "What is 35% of 140?", 49, [35, 42, 56], F(35, 100) * 140)
num(7, "3 pens cost 2.40. At the same price each, how much do 5 pens "
    "cost?", 4, [F("3.6"), F("4.2"), F("4.8")], F("2.40") / 3 * 5,
    form=lambda v: "%.2f" % v)
num(7, "What is 4 + 2 \u00d7 (6 \u2212 1)\u00b2?", 54, [14, 104, 150],
    4 + 2 * (6 - 1) ** 2)
num(7, "What is 0.045 written as a fraction in its simplest form?",
    F(9, 200), [F(9, 100), F(9, 20), F(4, 5)], F("0.045"), form=frac)
num(7, "What number comes next in the sequence 2, 6, 12, 20, 30, \u2026?",
    42, [36, 40, 44], 6 * 7)
num(7, "What is the square root of 0.49?", F("0.7"),
    [F("0.07"), F("0.245"), 7], F(7, 10))
num(7, "40% of a number is 18. What is the number?", 45,
    [F("7.2"), 36, 72], 18 / F(40, 100))
num(7, "Which of these fractions is the largest?", F(5, 8),
    [F(4, 7), F(7, 12), F(3, 5)], max(F(3, 5), F(5, 8), F(4, 7), F(7, 12)),
    form=frac)
num(7, "What is 20% of 20% of 500?", 20, [40, 100, 200],
    F(20, 100) * F(20, 100) * 500)
num(7, "The sum of three consecutive whole numbers is 78. What is the "
    "largest of the three?", 27, [25, 26, 28],
    solve_linear(lambda n: n + (n + 1) + (n + 2) == 78) + 2)
num(7, "The mean of four numbers is 25. Three of them are 20, 22 and 30. "
    "What is the fourth number?", 28, [23, 25, 33], 4 * 25 - 20 - 22 - 30)

# Level 8: several steps or a common trap.
num(8, "Pipe A fills a tank in 3 hours. Pipe B fills the same tank in 6 "
    "hours. How long do the two pipes take to fill the tank together?", 2,
    [F("1.5"), F("4.5"), 9], 1 / (F(1, 3) + F(1, 6)), unit=" hours")
num(8, "The mean of five numbers is 12. A sixth number is added and the "
    "mean becomes 13. What is the sixth number?", 18, [13, 14, 25],
    6 * 13 - 5 * 12)
num(8, "1000 is invested at 10% interest per year, with the interest added "
    "to the balance each year. What is it worth after 2 years?", 1210,
    [1100, 1200, 1221], 1000 * F(11, 10) ** 2)
num(8, "Two fair six-sided dice are rolled. What is the probability that "
    "the two numbers add up to 7?", F(1, 6), [F(1, 12), F(1, 11), F(7, 36)],
    prob_two_dice(lambda a, b: a + b == 7), form=frac)
num(8, "What number comes next in the sequence 1, 3, 7, 15, 31, \u2026?", 63,
    [47, 62, 64], 2 * 31 + 1)
txt(8, "A number is increased by 25%, and the result is then decreased by "
    "20%. How does the final number compare with the original number?",
    "It is the same", ["It is 5% larger", "It is 5% smaller",
                       "It is 1% smaller"],
    lambda lab: {"It is the same": F(1), "It is 5% larger": F(105, 100),
                 "It is 5% smaller": F(95, 100),
                 "It is 1% smaller": F(99, 100)}[lab]
    == F(125, 100) * F(80, 100))
num(8, "The two shorter sides of a right-angled triangle are 6 cm and "
    "8 cm. How long is the longest side?", 10, [7, 12, 14],
    math.isqrt(6 * 6 + 8 * 8), unit=" cm")
num(8, "What is 2/3 written as a percentage, to the nearest whole "
    "percent?", 67, [23, 60, 66],
    math.floor(F(2, 3) * 100 + F(1, 2)), unit="%")
num(8, "On a map with a scale of 1 : 50000, two towns are 6 cm apart. How "
    "far apart are they in reality?", 3, [F("0.3"), 30, 300],
    F(6 * 50000, 100 * 1000), unit=" km")
num(8, "A tap drips 15 ml of water every minute. How many litres drip in "
    "4 hours?", F("3.6"), [F("0.36"), 36, 60], F(15 * 4 * 60, 1000),
    unit=" litres")
num(8, "A number is chosen at random from the whole numbers 1 to 20. What "
    "is the probability that it is a prime number?", F(2, 5),
    [F(3, 10), F(9, 20), F(1, 2)],
    F(sum(1 for n in range(2, 21)
          if all(n % d for d in range(2, n))), 20), form=frac)
num(8, "Increasing a number by 50% gives 90. What is half of the original "
    "number?", 30, [F("22.5"), 45, 60], 90 / F(150, 100) / 2)
num(8, "If x + y = 10 and x \u2212 y = 4, what is x \u00d7 y?", 21,
    [14, 24, 40], F(10 + 4, 2) * F(10 - 4, 2))
num(8, "The side of a square is increased by 10%. By what percentage does "
    "its area increase?", 21, [10, 20, 22],
    (F(110, 100) ** 2 - 1) * 100, unit="%")

# Level 9: the hardest items in the bank.
num(9, "A car drives to a town at 60 km/h and comes back along the same "
    "road at 40 km/h. What is its average speed for the whole journey?", 48,
    [45, 50, 52], F(2, F(1, 60) + F(1, 40)), unit=" km/h")
num(9, "Two fair six-sided dice are rolled. What is the probability of "
    "getting at least one six?", F(11, 36), [F(1, 6), F(5, 18), F(1, 3)],
    prob_two_dice(lambda a, b: a == 6 or b == 6), form=frac)
num(9, "What is the sum of all the whole numbers from 1 to 100?", 5050,
    [5000, 5100, 10100], sum(range(1, 101)))
num(9, "On an analogue clock showing 3:30, what is the smaller angle "
    "between the hour hand and the minute hand?", 75, [60, 85, 90],
    hand_angle(3, 30), unit="\u00b0")
num(9, "A parent is 4 times as old as their child. In 20 years, the parent "
    "will be twice as old as the child. How old is the child now?", 10,
    [5, 15, 20], solve_linear(lambda c: 4 * c + 20 == 2 * (c + 20), 0, 200))
num(9, "In how many different orders can 5 different books be placed in a "
    "row on a shelf?", 120, [25, 60, 720], math.factorial(5))
num(9, "A bag holds 3 red and 5 blue balls. Two balls are taken out at "
    "random, one after the other, without putting the first back. What is "
    "the probability that both are red?", F(3, 28), [F(1, 8), F(9, 64),
                                                     F(3, 8)],
    F(3, 8) * F(2, 7), form=frac)
num(9, "What number comes next in the sequence 1, 1, 2, 6, 24, \u2026?", 120,
    [48, 72, 96], math.factorial(5))
num(9, "How many whole numbers from 1 to 100 (including 1 and 100) can be "
    "divided exactly by 3 or by 5, or by both?", 47, [33, 40, 53],
    sum(1 for n in range(1, 101) if n % 3 == 0 or n % 5 == 0))
num(9, "A train 200 m long passes a signal post in 10 seconds. At the same "
    "speed, how long does it take to cross completely a bridge 400 m "
    "long?", 30, [20, 25, 40], F(200 + 400, F(200, 10)), unit=" seconds")
num(9, "If 3 cats catch 3 mice in 3 minutes, how many cats are needed to "
    "catch 100 mice in 100 minutes, all cats working at the same rate?", 3,
    [1, 33, 100],
    # each cat catches 1 mouse per 3 minutes: cats = 100 / (100 / 3)
    F(100) / (F(100) / 3))

# -------------------------------------------------------------- vocabulary
# (level, word, correct, [distractors]); distractors are not synonyms of the
# word in any common sense (antonyms, unrelated words or look-alikes).
VOCAB = [
    (1, "big", "large", ["small", "loud", "slow"]),
    (1, "happy", "glad", ["sad", "tired", "angry"]),
    (1, "begin", "start", ["end", "wait", "lose"]),
    (1, "quick", "fast", ["slow", "late", "weak"]),
    (1, "shut", "close", ["open", "break", "push"]),
    (2, "enormous", "huge", ["tiny", "noisy", "heavy"]),
    (2, "vacant", "empty", ["full", "broken", "narrow"]),
    (2, "purchase", "buy", ["sell", "borrow", "lose"]),
    (2, "assist", "help", ["stop", "watch", "follow"]),
    (2, "ancient", "very old", ["modern", "valuable", "broken"]),
    (3, "conceal", "hide", ["reveal", "carry", "throw"]),
    (3, "fragile", "easily broken", ["strong", "heavy", "cheap"]),
    (3, "hostile", "unfriendly", ["welcoming", "nervous", "polite"]),
    (3, "feasible", "possible", ["expensive", "legal", "foolish"]),
    (3, "placid", "calm", ["angry", "bright", "sticky"]),
    (4, "reluctant", "unwilling", ["eager", "tired", "certain"]),
    (4, "abundant", "plentiful", ["scarce", "valuable", "hidden"]),
    (4, "diligent", "hard-working", ["lazy", "clever", "honest"]),
    (4, "candid", "frank", ["secretive", "shy", "sweet"]),
    (4, "lucid", "clear", ["confused", "lengthy", "boring"]),
    (5, "meticulous", "very careful", ["careless", "quick", "generous"]),
    (5, "frugal", "thrifty", ["wasteful", "fruitful", "fragile"]),
    (5, "tenacious", "persistent", ["weak", "gentle", "brief"]),
    (5, "benevolent", "kind", ["cruel", "wealthy", "wise"]),
    (5, "arduous", "strenuous", ["easy", "boring", "hopeful"]),
    (6, "ambiguous", "unclear", ["obvious", "ambitious", "false"]),
    (6, "brevity", "shortness", ["length", "bravery", "clarity"]),
    (6, "venerate", "revere", ["despise", "imitate", "question"]),
    (6, "capricious", "fickle", ["steady", "greedy", "cautious"]),
    (6, "insipid", "bland", ["spicy", "sour", "sharp"]),
    (7, "ephemeral", "fleeting", ["permanent", "ethereal", "careful"]),
    (7, "loquacious", "talkative", ["silent", "lonely", "liquid"]),
    (7, "magnanimous", "generous", ["petty", "gigantic", "proud"]),
    (7, "parsimonious", "stingy", ["lavish", "talkative", "suspicious"]),
    (7, "taciturn", "reserved", ["chatty", "tactful", "angry"]),
    (8, "ubiquitous", "found everywhere", ["rare", "unique", "unknown"]),
    (8, "laconic", "terse", ["wordy", "lazy", "gloomy"]),
    (8, "obdurate", "stubborn", ["flexible", "obvious", "elderly"]),
    (8, "sanguine", "optimistic", ["gloomy", "angry", "thirsty"]),
    (8, "perfunctory", "cursory", ["thorough", "polite", "perfect"]),
    (9, "obsequious", "servile", ["defiant", "obscure", "generous"]),
    (9, "pusillanimous", "cowardly", ["brave", "hungry", "foolish"]),
    (9, "mendacious", "untruthful", ["honest", "greedy", "forgetful"]),
    (9, "recalcitrant", "defiant", ["obedient", "forgetful",
                                    "calculating"]),
]


def vocabulary_items():
    out = []
    for level, word, good, bad in VOCAB:
        labels = [good] + bad
        assert len(set(labels)) == 4 and word not in labels, word
        out.append(Item("vocabulary", level,
                        "Which word or phrase is closest in meaning to "
                        "\u201c%s\u201d?" % word,
                        labels, 0, VOCABULARY_INSTRUCTIONS))
    return out


def place_correct(items, rng):
    """Shuffle each item's options so that the correct one is equally often
    in each of the four positions over the bank (options sorted by value
    would put it mostly third, and would give away "which is the largest"
    items). Every item arrives with its correct option first."""
    slots = [k % 4 for k in range(len(items))]
    rng.shuffle(slots)
    for it, slot in zip(items, slots):
        assert it.correct == 0
        rest = it.labels[1:]
        rng.shuffle(rest)
        it.labels = rest[:slot] + [it.labels[0]] + rest[slot:]
        it.correct = slot


# ------------------------------------------------------------- parameters


def band_b(level, rng):
    """b for a difficulty level 1..9: the band centre from -2.6 to 2.6 plus
    uniform jitter of +-0.3, kept inside [-3, 3]."""
    centre = -2.6 + (level - 1) * 5.2 / 8
    return max(-3.0, min(3.0, centre + rng.uniform(-0.3, 0.3)))


def draw_a(rng):
    """a: lognormal around 1.25, kept inside [0.6, 2.0]."""
    return max(0.6, min(2.0, math.exp(rng.gauss(math.log(1.25), 0.25))))


def draw_c(rng, trait):
    """c: about 0.2 for four options; a bit lower for numbers (a guess is
    less attractive when the answer can be worked out), 0.1-0.25."""
    mean = 0.17 if trait == "numeracy" else 0.21
    return max(0.1, min(0.25, rng.gauss(mean, 0.035)))


def options_json(labels, score_of_value, values=None):
    values = values or [str(i + 1) for i in range(len(labels))]
    ro = {
        "type": "options",
        "optionsRandomOrder": "0",
        "optionsColumnsNum": "0",
        "options": [{"label": lab, "value": v, "fixedIndex": str(i + 1)}
                    for i, (lab, v) in enumerate(zip(labels, values))],
        "scoreMap": [{"value": v, "score": score_of_value(v), "trait": ""}
                     for v in values],
        "defaultScore": 0,
    }
    return json.dumps(ro, ensure_ascii=False, separators=(",", ":"))


def csv_text(columns, rows):
    """RFC 4180: CRLF line ends, fields quoted only when needed."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(columns)
    for r in rows:
        w.writerow([r.get(c, "") for c in columns])
    return buf.getvalue()


def p(x):
    return "%.3f" % x


def demo_cat_rows():
    rng = random.Random(SEED)
    items = [copy.copy(it) for it in NUMERACY] + vocabulary_items()
    place_correct(items, random.Random(SEED + 1))
    rows = []
    for n, it in enumerate(items, start=1):
        correct_value = str(it.correct + 1)
        rows.append({
            "id": n, "fixedIndex": "", "trait": it.trait,
            "question": it.question,
            "responseOptions": options_json(
                it.labels, lambda v, cv=correct_value: 1 if v == cv else 0),
            "p1": p(draw_a(rng)), "p2": p(band_b(it.level, rng)),
            "p3": p(draw_c(rng, it.trait)), "p4": p(1),
            "skippable": 0, "instructions": it.instructions, "itemSet": "",
        })
    return rows


# ----------------------------------------------------------- questionnaire
LIKERT = ["Strongly disagree", "Disagree", "Neither agree nor disagree",
          "Agree", "Strongly agree"]
QUESTIONNAIRE_INSTRUCTIONS = ("How much do you agree with this statement? "
                              "There are no right or wrong answers.")
# (statement, reverse keyed, alpha, thresholds b1 < b2 < b3 < b4)
# On the scored direction: a higher category = a more positive attitude to
# working with numbers.
QUESTIONNAIRE = [
    ("I enjoy working with numbers.", False, 2.4, [-2.1, -1.0, 0.0, 1.3]),
    ("I feel confident when I have to do calculations in everyday life.",
     False, 2.0, [-2.5, -1.4, -0.4, 1.0]),
    ("Working with numbers makes me nervous.", True, 1.7,
     [-2.3, -1.1, -0.1, 1.2]),
    ("I like puzzles that involve numbers or logic.", False, 1.6,
     [-2.0, -0.9, 0.1, 1.5]),
    ("I can usually tell whether the result of a calculation is roughly "
     "right.", False, 1.4, [-2.8, -1.7, -0.6, 0.9]),
    ("I avoid tasks that involve numbers whenever I can.", True, 2.1,
     [-2.2, -1.2, -0.2, 1.1]),
    ("I find charts and tables of figures easy to understand.", False, 1.3,
     [-2.7, -1.5, -0.3, 1.4]),
    ("I would happily check a bill or a receipt to see whether it adds up.",
     False, 1.2, [-2.6, -1.6, -0.5, 0.8]),
    ("When I learn something new about numbers, I find it interesting.",
     False, 1.8, [-2.2, -1.1, 0.2, 1.6]),
]


def questionnaire_rows():
    rows = []
    for n, (text, rev, alpha, bs) in enumerate(QUESTIONNAIRE, start=1):
        values = [str(k) for k in range(5)]
        if rev:
            def score(v):
                return 4 - int(v)
        else:
            def score(v):
                return int(v)
        rows.append({
            "id": n, "fixedIndex": "", "trait": "attitude",
            "question": text,
            "responseOptions": options_json(LIKERT, score, values),
            "p1": p(alpha), "p2": p(bs[0]), "p3": p(bs[1]), "p4": p(bs[2]),
            "p5": p(bs[3]), "skippable": 0,
            "instructions": QUESTIONNAIRE_INSTRUCTIONS, "itemSet": "",
        })
    return rows


def generate():
    """{file name: CSV text} of the files this script writes."""
    return {
        "demo-cat-items.csv": csv_text(COLUMNS, demo_cat_rows()),
        "questionnaire-items.csv": csv_text(GRM_COLUMNS, questionnaire_rows()),
    }


def main():
    for name, text in generate().items():
        with open(os.path.join(HERE, name), "w", encoding="utf-8",
                  newline="") as f:
            f.write(text)
    print("numeracy %d, vocabulary %d, questionnaire %d"
          % (len(NUMERACY), len(VOCAB), len(QUESTIONNAIRE)))


if __name__ == "__main__":
    main()
