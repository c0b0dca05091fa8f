"""Find the final answer in a model's response (or in a ground truth written as a full solution).

Where to look: the text after the last `</think>` (a response that opens `<think>` and never closes it
has no answer), cut at the first chat-template token that ends the turn (`<|im_end|>`, `<|eot_id|>`,
`</s>`, a new `<|im_start|>user` turn: what follows is not the model's answer); inside it, the last
`<answer>` block if any (closed or cut off by the `</answer>` stop string). Display math written
without `$` is read as display math: an `align`/`equation` block by its last row, and `[ ... ]` whose
backslashes markdown ate. What to take, first found wins (markdown bold around an answer,
`**Answer:** 17`, is read as plain text):

1. a final-answer phrase stated after the last box (`\\boxed{255}` ... `The final answer is $10,455$`),
2. the last `\\boxed{...}` / `\\fbox{...}` (nested braces), else the last brace-less `\\boxed 5`, else
   what follows a box never closed (a reply cut off inside `\\boxed{42`),
3. the text after a final-answer phrase: "final answer is", "the answer is", "Answer:", `Answer $9$`,
   "the correct option is", "the answer to this problem is" (words between a named answer and its
   "is"), GSM8K's `#### 42`,
   and the same in Chinese, Arabic, French, Spanish, Portuguese, German, Russian, Korean, Indonesian
   and Turkish (`答案：`, `الجواب`, `la réponse est`, `la respuesta es`, `ответ:`, `정답은`, `cevap:`),
   filler words after it skipped (`probably`, `approximately`); then `27 is the answer`; display math
   after the phrase may span lines. When
   the phrase opens a sentence (`The largest $n$ is 34.`) the value after its last "is" / `=` is taken,
   else its last inline math, else its only number; a clause after the value (`, since ...`, `, not
   13`, ` — ...`) and decoration (`36 ✅`, `36! 🎉`) are not part of it; a phrase that states nothing
   (a reply cut off at `The answer is`) gives way to the one before it,
4. answers to numbered parts that end the reply (`(1) $a_n = 2n - 1$; (2) $T_n = n^2$`, `Part (I):`,
   lines `1.`, `2.`): the last part, the others kept beside it like other boxes,
5. a short response (or `<answer>` block) of fewer than three words taken whole, with or without `$`,
   on several lines too when it is only math (a multi-line `pmatrix`),
6. the trailing `$...$` or number (with `%`, a currency sign or a short unit: `1,000.99€`) of the last
   line, or all the values it joins (`x = 2 or x = 3`, `$1$, $4$, and $9$`), then the last inline math
   of the last sentence (`Therefore $x \\geq 5$ is the solution.`). The last line is the last one
   before a sign-off (`Hope this helps!`, `I hope it is correct.`), a rule, a closing section
   (`**Summary:**`, `Note: ...`) or a code block (whose ```` ```output ```` is a line of its own), and
   it ends before a clause after its value (`$34$, since $35$ ...`, `3 when divided by 7`),
7. the value the last sentence states mid-way (`The smallest such n is 34, which ...`): after its
   last "is"/`=`, else its only number,
8. the last math span anywhere in the reply (`$x = 5$` on an earlier line, then prose),
9. a short sentence taken whole (`no real solution`).

`Extraction.others` keeps the other distinct boxed answers (or numbered parts) of the same region
(the parts of a list answer), and `Extraction.hedges` those of them offered as alternatives to the
last, so a hedged response (`\\boxed{1} or \\boxed{2}`) is told apart from one that repeats its
answer or moves on from a step it boxed (`a = \\boxed{3}. Then the sum is \\boxed{10}`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from k2_core.replies import after_thinking, answer_tag, boxed_all, boxed_spans, braced, own_turn

from .normalize import CJK_LETTERS, CJK_NEGATION, CJK_REFUSAL

MAX_SHORT = 200  # a response (or answer block) this short, on one line, is itself the answer
MAX_STATED = 2000  # how far after a final-answer phrase its value is looked for
MAX_LINE = 400  # how much of a reply's last line is read for its closing value
MAX_REJECTION = 80  # how far after the last box its rejection (`is extraneous`) is looked for
MAX_ANSWER_WORDS = 4  # a final-answer phrase followed by this many plain words states a clause
MAX_PARTS_TAIL = 1500  # how far back from a reply's end its numbered parts are looked for
MAX_TRAILERS = 20  # sign-offs, rules and code blocks passed over at the end of a reply, at most

# "final answer is", "Answer:", and their equivalents in other languages, then what links them to
# the value (`is`, `:`, `=`, `est`, `是`, ...). `Answer $9$` links by the math delimiter alone.
_CUE = (
    r"(?:final answer|the answer|answer|correct option|correct choice|最终答案|答案|答え|الإجابة النهائية|الإجابة|الجواب"
    r"|la réponse finale|la réponse|réponse finale|réponse|la respuesta final|la respuesta"
    r"|respuesta final|respuesta|a resposta final|a resposta|resposta|die antwort|antwort"
    r"|окончательный ответ|ответ|정답|답|jawabannya|jawaban|cevap)"
)
_LINK = r"(?:\s*(?:ist|is|are|est|es|é|هو|是|为|為|は|은|는|adalah|:|：|=)\s*)+"
# Words between a cue and its value that are not the value (`the answer is probably 12`).
_FILLER = re.compile(
    r"^(?:(?:probably|likely|approximately|about|around|roughly|exactly|just|simply|indeed|clearly"
    r"|then|thus|therefore|hence|so|now)\b[\s,:]*)+",
    re.IGNORECASE,
)
_HANGUL_TAIL = re.compile(r"[\uac00-\ud7a3]+$")  # `7입니다`: the copula after the value
# Display math without `$`: a numbered-equation block, and `[ ... ]` on lines of its own.
_ENVIRONMENT_START = re.compile(r"\\begin\{(?:align|equation|eqnarray|gather)\*?\}")
_ENVIRONMENT = re.compile(
    r"\\begin\{(align|equation|eqnarray|gather)\*?\}(.*?)\\end\{\1\*?\}", re.DOTALL
)
_BARE_DISPLAY = re.compile(
    r"^\[(?:[ \t]+|[ \t]*\n)((?:(?!\n\s*\n)[^\[\]])+?)(?:[ \t]+|\n[ \t]*)\]$", re.MULTILINE
)
_SMILEY_TAIL = re.compile(r"\s*(?::-?\)|;-?\)|:D)\s*$")
# What follows an answer and is not part of it: a sign-off, a rule, a closing section.
_SIGN_OFF = re.compile(
    r"(?:I\s+)?hope\s+(?:this|that|it)\b|let\s+me\s+know\b|feel\s+free\b|good\s+luck\b"
    r"|is\s+there\s+anything\b|if\s+you\s+have\s+any\b|happy\s+to\s+help\b|thanks?\b|cheers\b",
    re.IGNORECASE,
)
_CORRECTION = re.compile(
    r"\b(?:actually|wrong|incorrect|mistake|error|fails?|correct(?:ed|ing|ion)?|instead|redo(?:ing)?)\b",
    re.IGNORECASE,
)
_RULE = re.compile(r"[-*_=~\s]{3,}")
_SECTION = re.compile(
    r"[#*\s]*(?:summary|explanation|note|notes|verification|check|remarks?|justification)\b[*\s]*(?::|$)",
    re.IGNORECASE,
)
# The value named as the answer after it: `Therefore, 27 is the answer.`
_VALUE_IS_ANSWER = re.compile(
    r"(\$[^$]+\$|(?<![\d,.])-?\d[\d,]*(?:\.\d+)?(?:/\d+)?)\s+is\s+(?:the|our|my)\s+(?:final\s+)?answer\b",
    re.IGNORECASE,
)
# `The answer to this problem is`, `our final answer, the area of the region, is`: words between a
# named answer and its link.
_NAMED_ANSWER = (  # not `checking the answer against ... is`, `finding the answer here is`
    r"(?:the|our|my)\s+(?:final\s+)?answer(?![ ,]+(?:against|here|itself)\b)"
    r"(?:[ ,]+[^\s\d.:;!?=$]+){1,8}[ ,]*(?:is|are)\s+"
)
_FINAL = re.compile(
    rf"(?<![^\W\d_])(?:{_CUE}(?:{_LINK}|\s*(?=\$|\\\(|\\\[))|{_NAMED_ANSWER})", re.IGNORECASE
)
# Chinese "所以……是 X" / "因此 X" closing sentences.
_THEREFORE_ZH = re.compile(r"(?:所以|因此|故)[^。\n]{0,40}?(?:(?<!不)是|为|為|=|：)\s*")
# Math spans joined by words (`$1$ or $2$`, `$1$ and $2$`): the answer is all of them.
_SPAN = r"(?:\$[^$]+\$|\\\((?:(?!\\[()]).)+\\\))"  # `$x = 1$`, `\\(x = 1\\)`
_JOINED = rf"{_SPAN}(?:\s*(?:,\s*(?:(?:and|or)\s+)?|(?:or|and)\s*)(?:equivalently\s+)?{_SPAN})+"
_DELIMITER = re.compile(r"\$|\\\(|\\\)")
_JOINED_MATH = re.compile(rf"^{_JOINED}", re.IGNORECASE)
_TRAILING_JOINED = re.compile(rf"{_JOINED}[\s.!]*$", re.IGNORECASE)
_OPEN_MATH = re.compile(r"\$\$|\$|\\\(|\\\[")
_MATH_MARK = re.compile(r"\$|\\[()\[\]]")  # a delimiter, opening or closing
_CLOSER = {"$$": "$$", "$": "$", "\\(": "\\)", "\\[": "\\]"}
# A clause after a sentence's value, which is not part of it: `is 34, since 35 ...`, `12 ways, not
# 24`, `3 when divided by 7`, `55 for $n = 10$` (not `for a total of 12`), `x = 5 (we reject
# x = -2)` (a parenthesis of words, not `(x-2)`, `(B)` or `(mod 7)`).
# "which" and ", and the ..." end a stated answer (`The answer is 12, which ...`), but a closing
# line's `10 which is 1,000.99€` restates its value, and `\\((2, -3)\\), and the minimum is \\(-3\\)`
# ends on it.
_CLAUSE = (
    r"\s(?:because|since|when|if|attained|achieved)\s|\sfor\s+(?:\$[^$]*\$|[a-zA-Z]\s*=\s*\S+)[\s.]*$"
    r"|,?\s+and\s+not\s|\s[—–]\s"
    r"|,\s*(?:as|not|where|by|using|with|out of)\b"
    r"|\s\((?=[A-Za-z]{2,}\b)(?!mod\b)"
)
_CLAUSE_AFTER = re.compile(_CLAUSE, re.IGNORECASE)
# A second value after a clause: the clause is then part of the answer (a hedge or a case), not an
# aside: `12 because ...; with them it is 15`, `12 (or 15 if ...)`, `12 if n is even and 15 if ...`.
_ANOTHER_VALUE = re.compile(r"\b(?:is|are|be|or|and)\s+(?:\$|\\\(|-?\d)", re.IGNORECASE)
_SENTENCE_END = re.compile(
    rf"\.\s|。|\.$|\s(?:as|which|I hope)\s|,\s*and\s+(?:the|this|that|it|so|we)\b|{_CLAUSE}",
    re.IGNORECASE,
)
_REPLY_MARK = re.compile(r"</?answer>|</think>|^####", re.IGNORECASE | re.MULTILINE)  # GSM8K's ####
# GSM8K's `#### 42`, on a line of its own or closing one (`3 plus 7 is 10. #### 10`)
_GSM8K_ANSWER = re.compile(r"(?:^|(?<=\s))####[ \t]*([-+$\\\d][^\n#]*)$", re.MULTILINE)
_PROSE = re.compile(r"[^\W\d_]{3,}")
_SENTENCE_BREAK = re.compile(r"[.!?。]\s|\n")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?。])\s+")  # between the sentences of a line
_CONCLUSION = re.compile(r"\b(?:so|thus|therefore|hence|answer)\b", re.IGNORECASE)
# What may lead into bare LaTeX closing a reply (`Therefore, \\frac{4}{7}.`, `So we get x = \\sqrt2`).
_LEAD = re.compile(
    r"^(?:(?:so|thus|therefore|hence|finally)\b[,:]?\s*)?(?:(?:we\s+)?(?:get|have|obtain|find)\b[,:]?\s*)?",
    re.IGNORECASE,
)
_DOUBLED_COMMAND = re.compile(
    r"\\\\(?:frac|dfrac|tfrac|sqrt|left|right|boxed|text|cdot|times|pi|infty|begin|end|le|ge|neq)"
    r"(?![a-zA-Z])"
)  # `\\\\frac`, not a row break before a letter (`x=1\\\\y=2`)
_SINGLE_COMMAND = re.compile(r"(?<!\\)\\[a-zA-Z]")
# An unevaluated operator: bare LaTeX holding one restates the question (`\\lim_{x \\to 0} ...`).
_UNEVALUATED = re.compile(r"\\(?:lim|sum|prod|int|iint|oint)(?![a-zA-Z])")
# What may end the line before bare LaTeX closing a reply (`we get`, `=`; not `find the limit:`).
_LEADS_IN = re.compile(r"(?:\b(?:get|gives?|obtain|is|are|equals)|=)\s*$", re.IGNORECASE)
# Markdown inline code holding one value (`4/7`), not code (`x = 3`, `7 % 3`).
_CODE_SPAN = re.compile(r"(?<!`)`([^`\s%=]{1,40})`(?!`)")
# A numbered part of an answer: `(1)`, `(II)`, `Part (2):`, `Part 1:`, or `2.` opening a line.
_PART = re.compile(
    r"(?:(?<![\w)])\((?:[Pp]art\s*)?([1-9]|I{1,3}|IV)\)|\b[Pp]art\s+([1-9]|I{1,3}|IV)\b|^[ \t]*([1-9])\.(?=\s))"
    r"\s*:?",
    re.MULTILINE,
)
_PART_NUMBERS = {str(n): n for n in range(1, 10)} | {"I": 1, "II": 2, "III": 3, "IV": 4}
# What follows a box that the reply then rejects: `\boxed{-3} is rejected`, `\boxed{4} gives a
# contradiction`, `\boxed{-2} (the latter is extraneous)`.
_REJECTED = re.compile(
    r"[\s$.)\\\]]*(?:\(\s*)?(?:(?:the latter|this|which|it)\s+)?(?:is|are|was|would be|gives|leads to)?\s*"
    r"(?:also\s+)?(?:wrong|incorrect|impossible|rejected|discarded|extraneous|invalid|not valid"
    r"|not possible|not a solution|a contradiction)\b",
    re.IGNORECASE,
)
# How a remark about an answer opens (`The answer is consistent with ...`), unlike an answer in words.
_REMARK_START = re.compile(
    r"(?:consistent|based|correct|reasonable|valid|plausible|obtained|derived|found|shown|given"
    r"|confirmed|checked|verified|independent|in line|as expected|mostly|always|simply|clear)\b",
    re.IGNORECASE,
)
# Words that lead a closing sentence to its value: `3 groups of 8, giving 24 students`.
_LEADS_TO = re.compile(
    r"\b(?:so|thus|therefore|hence|gives|giving|total|altogether|which is|that is)\b",
    re.IGNORECASE,
)
_ALTERNATIVE = re.compile(
    r"\b(?:or|either|maybe|perhaps|possibly|alternatively|could|also|if|case|however|otherwise"
    r"|candidate|another|second)\b",
    re.IGNORECASE,
)
# A math span; an escaped `\\$` inside `$...$` is a dollar sign (`$\\$45$`), not its end.
# `$..$` math; not dollar amounts in prose (`paid $12 and $8`: words, then a space before the sign).
_DOLLAR_MATH = r"(?<!\\)\$(?!\d[\d,.]*\s+[a-zA-Z]{2,}\b[^$]*\s\$)((?:\\\$|[^$])+?)(?<!\\)\$"
_INLINE_MATH = re.compile(rf"\$\$(.+?)\$\$|{_DOLLAR_MATH}|\\\((.+?)\\\)|\\\[(.+?)\\\]", re.DOTALL)
_WORD = re.compile(r"(?<![\\a-zA-Z])[a-zA-Z]{2,}")
_SCRIPT_WORD = re.compile(r"[^\W\d_a-zA-Z]{2,}")  # a run of letters of another script: `阅读作业`
_MATH_NAMES = {"sin", "cos", "tan", "cot", "sec", "csc", "log", "ln", "exp", "sqrt", "pi", "mod"}
_PROSE_START = re.compile(
    r"([A-Za-z]{2,})\b(?![\s]*[(_^{*/=+-])"
)  # `So, ...`, not `Eq(` or `ab = 2`
# A number: `1 234 567` too, never a trailing comma; `3/4` as one.
_DECIMAL = r"-?(?:\d{1,3}(?: \d{3})+(?![\d,]|\.\d)|\d(?:[\d,]*\d)?)(?:\.\d+)?"
_NUMBER = rf"{_DECIMAL}(?:/\d+)?"
# A number of thousands, millions, ... is one value (`0.75 million dollars`).
_SCALE_WORD = r"(?:thousand|million|billion|trillion)s?(?![a-zA-Z])"
_SCALE = rf"(?:\s+{_SCALE_WORD})?"
# Plain arithmetic after a cue (`The answer is 2^10.`): numbers joined by operators, read whole.
_PLAIN_EXPR = rf"{_DECIMAL}(?:\s*[-+*/^×÷]\s*\(?{_DECIMAL}\)?)*"  # `/` once: never two readings
# The math span that ends a line: the last one only (`\\(x = -1\\) and \\(x = 4\\)` ends on `x = 4`).
_TRAILING_MATH = re.compile(
    rf"(?:\$\$([^$]{{1,300}}?)\$\$|{_DOLLAR_MATH}|\\\(((?:(?!\\[()]).){{1,300}}?)\\\)"
    r"|\\\[((?:(?!\\[\[\]]).){1,300}?)\\\])[\s.!]*$"
)
# Numbers (or one letter's values) joined by "or"/"and" that end a line: `x = 2 or x = 3`.
_PLAIN_JOINED = re.compile(
    rf"(?<![\w.=])(?:[a-z]\s*=\s*)?{_NUMBER}(?:(?:\s*,\s*|\s+)(?:or|and)\s+(?:[a-z]\s*=\s*)?{_NUMBER})+"
    r"\s*[.!]?\s*$"
)
# A trailing number may carry a percent sign, a currency sign or a short unit (`1,000.99m²`, `m^2`).
_RATIO_OR_NUMBER = rf"(?:\d+:\d+|{_PLAIN_EXPR})"
_SHORT_UNIT = r"[a-zA-Z]{1,3}(?:[²³]|\^\{?[23]\}?)?"
_TRAILING_NUMBER = re.compile(
    rf"(?<![\w.:^]){_RATIO_OR_NUMBER}\s*(?:\\?%|[€£¥°]|{_SHORT_UNIT})?\s*[.!]?\s*$"
)
# A closing sentence that ends on a number and a word or two (`So she has 15 apples left.`).
_NUMBER_THEN_WORDS = re.compile(
    rf"(?<![\w.:^])({_NUMBER}{_SCALE})(?:\s+(?!{_SCALE_WORD})[a-z]+(?:\s+[a-z]+)?)?\s*[.!]?\s*$"
)
# A closing sentence in Chinese or Japanese that ends on a number and its counter or unit
# (`Haley总共有99颗弹珠。`), and the conclusions that may lead to it (`因此`, `一共`).
_CJK_CLOSING = re.compile(
    rf"(?<![A-Za-z0-9_.:^])({_NUMBER})\s*[{CJK_LETTERS}]{{1,12}}\s*[。.!！]?\s*$"
)
_CJK_CONCLUSION = re.compile(r"因此|所以|总共|總共|一共|共有|结论|結論|答案|故")
_CJK_SENTENCE_END = re.compile(r"[。！？!?](?=[^。！？!?]*$)")
_DIGIT = re.compile(r"\d")
_CJK_REFUSED = re.compile(
    rf"\s*(?:是|应|應)?(?:{CJK_REFUSAL.pattern})"
)  # right after math: `$x=3$是增根`
# Markdown bold around an answer (`**Answer:** 17`, `is **17**.`), not a power (`x**2`).
_BOLD = re.compile(r"\*\*(?![ \t]*[\w(\\{$-])|(?<![\w)}])\*\*", re.ASCII)  # `有**858颗**`
_PERCENT_AFTER = re.compile(r"\s*(?:\\?%|percent\b|pct\b)", re.IGNORECASE)
_OPEN_BOX = re.compile(r"\\(?:boxed|fbox)\s*\{")
_VALUE_AFTER_IS = re.compile(
    rf"(?:\bis|\bare|\bequals|=|是|为)\s*(\$[^$]+\$|\\\(.+?\\\)|\d+:\d+(?!\d)|{_PLAIN_EXPR}{_SCALE}\s*\\?%?)",
    re.IGNORECASE,
)  # a value, `$..$`, a ratio `3:2`, a number (with `%`)
_SPACED_BOX = re.compile(r"\\(?:boxed|fbox) +([^\s${}\\]+)")
_BARE_NUMBER = re.compile(rf"(?<![\w.^_]){_NUMBER}(?=(?:st|nd|rd|th)?(?![\w.]))")  # `21`, `21st`


@dataclass
class Extraction:
    """The answer found (None if none) and how: `boxed`, `answer_tag`, `phrase`, `parts`, `whole`,
    `trailing`, `closing`, `last_math`."""

    answer: str | None
    how: str = ""
    others: list[str] = field(default_factory=list)  # the other boxes, in order (a list's parts)
    hedges: list[str] = field(default_factory=list)  # those offered as alternatives to the answer


def _moves_on(between: str) -> bool:
    """Whether the prose between an earlier box and the last one moves on from it, so the earlier box
    was a step: a sentence ends there, or a conclusion is drawn, and words follow (`a = \\boxed{3}.
    Then the sum is \\boxed{10}`, `x = \\boxed{4}, so the area is \\boxed{16}`), and nothing offers
    the two as alternatives (`\\boxed{1} or maybe \\boxed{2}`)."""
    return (
        bool(_SENTENCE_BREAK.search(between) or _CONCLUSION.search(between))
        and bool(_PROSE.search(between))
        and not _ALTERNATIVE.search(between)
    )


def _strip_math(text: str) -> str:
    text = text.strip()
    for left, right in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
        if text.startswith(left) and text.endswith(right) and len(text) > len(left) + len(right):
            return text[len(left) : -len(right)].strip()
    return text


def _leading_math(text: str) -> str | None:
    """The content of the math span (`$..$`, `$$..$$`, `\\(..\\)`, `\\[..\\]`) that opens `text`."""
    opener = _OPEN_MATH.match(text)
    if not opener:
        return None
    closer = re.compile(r"(?<!\\)" + re.escape(_CLOSER[opener.group()])).search(text, opener.end())
    inner = text[opener.end() : closer.start()].strip() if closer else ""
    if inner and _PERCENT_AFTER.match(text, closer.end()):  # `$25$ percent`
        inner += "\\%"
    return inner or None


def _in_sentence(sentence: str) -> str:
    """The value a closing sentence states: after its last "is"/`=`, else its last math, else its
    only number, else the sentence itself (`no real solution`)."""
    if len(_WORD.findall(re.sub(r"\$[^$]*\$", " ", sentence))) < 3:
        return sentence
    after_is = list(_VALUE_AFTER_IS.finditer(sentence))
    if after_is:
        return _strip_math(after_is[-1].group(1))
    maths = [m for m in _INLINE_MATH.finditer(sentence)]
    if maths:
        return next(g for g in maths[-1].groups() if g is not None).strip()
    numbers = _BARE_NUMBER.findall(sentence)
    return numbers[0] if len(numbers) == 1 else sentence


def _phrase_at(text: str) -> str | None:
    """The answer stated by the last final-answer phrase of `text` (see the module docstring); when
    that phrase states nothing (a reply cut off at `The answer is`), the one before it."""
    starts = [m.end() for m in _FINAL.finditer(text)] + [
        m.end() for m in _THEREFORE_ZH.finditer(text)
    ]
    for start in sorted(starts, reverse=True):
        value = _stated_after(text[start : start + MAX_STATED])
        if value:
            return value
    return None


def _stated_after(text: str) -> str | None:
    """The value a final-answer phrase leads to, from the text after it."""
    rest = _FILLER.sub("", text.lstrip())
    if not re.search(r"[^\W_]", rest.split("\n", 1)[0]):
        return None
    math = _leading_math(rest)
    if math is not None and not _JOINED_MATH.match(rest):
        return math
    line = rest.split("\n", 1)[0][:300]
    inner = _phrase_at(line) if _FINAL.search(line) else None  # `Final Answer: The final answer is`
    if inner:
        return inner
    joined = _JOINED_MATH.match(line)
    if joined:
        return _DELIMITER.sub("", joined.group())
    end = _SENTENCE_END.search(line)
    if end and not end.group().startswith((".", "。")) and _ANOTHER_VALUE.search(line, end.end()):
        end = None  # `The answer is 12 (or 15 if ...)`: the clause holds another answer
    sentence = _without_symbols((line[: end.start()] if end else line).strip()).rstrip(".。, ")
    value = _in_sentence(_HANGUL_TAIL.sub("", sentence).strip())
    if _is_prose(value):  # `The answer is consistent with the data ...`: no answer stated here
        return None
    return value or None


def _is_prose(value: str) -> bool:
    """Whether a phrase's value is a remark about the answer rather than an answer: a clause of
    MAX_ANSWER_WORDS words or more, without a digit or any math, that opens like a predicate
    (`consistent with the data`, `based on the assumption ...`); `that there are infinitely many`,
    `no real solution` and `Thursday` are answers."""
    plain = not re.search(r"[\d$\\=^_{}]", value)
    return (
        plain and len(_WORD.findall(value)) >= MAX_ANSWER_WORDS and bool(_REMARK_START.match(value))
    )


def _without_symbols(text: str) -> str:
    """`text` without the emoji, check marks and smileys after its value (`36 ✅`, `36! 🎉`,
    `36 :)`); an exclamation mark before them goes too. A degree sign stays."""
    kept = _SMILEY_TAIL.sub("", text)
    while kept and (kept[-1].isspace() or _is_decoration(kept[-1])):
        kept = kept[:-1]
    return kept.rstrip("!") if kept != text else text


def _is_decoration(char: str) -> bool:
    return char != "°" and unicodedata.category(char) in {"So", "Sk", "Mn", "Cf"}


def _without_sign_off(text: str) -> str:
    """`text` without what follows its answer: a sign-off (`I hope it is correct.`, `Hope this
    helps! 😊`, `Let me know ...`), a rule (`---`), a closing section (`**Summary:**`, `Note: ...`,
    `### Explanation`), a code block after the working; a code block's printed output
    (```` ```output ````) is kept as a line of its own."""
    lines = text.rstrip().split("\n")
    sections = [i for i, line in enumerate(lines) if i and _SECTION.match(line)]
    if sections and any(_has_value(line) for line in lines[: sections[-1]]):
        if not _CORRECTION.search("\n".join(lines[sections[-1] :])):  # `Note: redoing it gives 15`
            lines = lines[: sections[-1]]
    for _ in range(MAX_TRAILERS):
        if len(lines) < 2:
            break
        last = lines[-1].strip()
        fences = [i for i, line in enumerate(lines[:-1]) if line.strip().startswith("```")]
        if last == "```" and fences:
            opening = fences[-1]
            printed = lines[opening].strip() == "```output" or (
                opening and lines[opening - 1].strip().lower() == "output:"
            )
            kept = printed or opening == 0  # a reply that is one code block: what it holds
            lines = lines[:opening] + (lines[opening + 1 : -1] if kept else [])
        elif _RULE.fullmatch(last) or _is_sign_off(last):  # an empty line is one too
            lines.pop()
        else:
            break
    sentences = _SENTENCE_SPLIT.split(lines[-1].strip())
    while len(sentences) > 1 and _is_sign_off(sentences[-1]):
        sentences.pop()
    lines[-1] = _without_symbols(" ".join(sentences))
    return "\n".join(lines)


def _is_sign_off(text: str) -> bool:
    words = _without_symbols(text)
    return not words or (bool(_SIGN_OFF.match(words)) and not re.search(r"\d", words))


def _has_value(text: str) -> bool:
    return bool(re.search(r"\d|\$|\\[a-zA-Z]", text))


def _trailing(last_line: str) -> str | None:
    last_line = last_line[-MAX_LINE:]  # the patterns below are anchored at the end: bounded work
    joined = _TRAILING_JOINED.search(last_line)
    if joined:  # `The solutions are $x = 1$ and $x = 2$.`: all of them
        return _DELIMITER.sub("", joined.group().rstrip(" .!"))
    joined = _PLAIN_JOINED.search(last_line)
    if joined:  # `so x = 2 or x = 3.`: all of them
        return joined.group().rstrip(" .!")
    math = _TRAILING_MATH.search(last_line)
    if math:
        return next(g for g in math.groups() if g is not None).strip()
    number = _TRAILING_NUMBER.search(last_line)
    if number:
        value = re.match(_RATIO_OR_NUMBER, number.group().strip()).group()
        return value + "\\%" if "%" in number.group() else value  # `37.5%` keeps its sign
    sentences = [s for s in _SENTENCE_SPLIT.split(last_line.strip()) if s]
    maths = list(_INLINE_MATH.finditer(sentences[-1])) if sentences else []
    if maths and _CJK_REFUSED.match(sentences[-1], maths[-1].end()):
        return None  # `$x=5$不成立`: the sentence refuses its math
    if maths:  # `Therefore $x \geq 5$ is the solution.`
        return next(g for g in maths[-1].groups() if g is not None).strip()
    closing = _CJK_CLOSING.search(last_line)
    if closing:  # the number a conclusion leads to, or the sentence's only one
        before = last_line[: closing.start()]
        end = _CJK_SENTENCE_END.search(before)
        start = max([end.end() if end else 0] + [m.end() for m in _CJK_CONCLUSION.finditer(before)])
        refused = (  # `答案不是12个`, `12不是答案`, `3岁半`, `x=3是增根`
            _DIGIT.search(before, start)
            or CJK_NEGATION.search(before, start)
            or CJK_REFUSAL.search(closing.group())
        )
        return None if refused else closing.group(1)
    counted = _NUMBER_THEN_WORDS.search(sentences[-1]) if sentences else None
    if not counted:
        return None
    # its one number (`So she has 15 apples left.`), or the one a conclusion leads to with no other
    # number between (`4 more, so he has 7 apples now`); `She gave 3 apples to 5 friends.` and
    # `Thus each gets 4 cookies among the 6 friends.` state no one value
    before = sentences[-1][: counted.start()]
    leads = list(_LEADS_TO.finditer(before))
    concluded = (
        leads
        and not _BARE_NUMBER.search(before, leads[-1].end())  # `so he has 7`, not `so 4 ... 6`
        and not _ALTERNATIVE.search(sentences[-1][counted.start() :])
    )
    return counted.group(1) if concluded or not _BARE_NUMBER.search(before) else None


def _bare_closing(body: str) -> str | None:
    """LaTeX written without delimiters that closes a reply holding no delimited math, led into by
    a conclusion (`Therefore, \\frac{4}{7}.`) or by the line before it (`we get` then `\\frac12`).
    Not `We need to evaluate` then `\\sum_{k=1}^n k`, nor a bare line after `$\\frac{3}{7}$`."""
    if _MATH_MARK.search(body):
        return None
    lines = body.rstrip().split("\n")
    sentences = [s for s in _SENTENCE_SPLIT.split(lines[-1].strip()) if s]
    if not sentences:
        return None
    before = sentences[-2] if len(sentences) > 1 else (lines[-2] if len(lines) > 1 else "")
    if not (_LEAD.match(sentences[-1]).end() or _LEADS_IN.search(before)):
        return None
    return _bare_latex(sentences[-1])


def _bare_latex(sentence: str) -> str | None:
    """The LaTeX written without `$` that a closing sentence is, after a conclusion (`Therefore,
    \\frac{4}{7}.`, `So we get x = \\sqrt{2}`): math holding a command and no word of prose."""
    rest = sentence[_LEAD.match(sentence).end() :].rstrip(" .!")
    if "\\" not in rest or _MATH_MARK.search(rest) or len(rest) > MAX_SHORT or _WORD.search(rest):
        return None  # no delimiter: math with `$`, `\\(`, `\\[` is read by the rules before
    if _UNEVALUATED.search(rest):
        return None  # `\\lim_{x \\to 0} \\frac{\\sin x}{x}`: the question restated, not its value
    return rest if rest.count("{") == rest.count("}") else None  # not a box never closed


def _displayed(text: str) -> str:
    """`text` with display math written without `$` as `\\[...\\]`: the last `align`/`equation`
    block (by its last row: `&= 16`), and a bracket whose backslashes markdown ate (`[ P =
    \\frac{3}{8} ]`)."""
    opened = [m.start() for m in _ENVIRONMENT_START.finditer(text)]
    block = _ENVIRONMENT.match(text, opened[-1]) if opened else None
    if block:
        text = text[: block.start()] + _last_row(text[: block.start()], block) + text[block.end() :]
    return _BARE_DISPLAY.sub(
        lambda m: rf"\[ {m.group(1)} \]" if re.search(r"\\[a-zA-Z]|=", m.group(1)) else m.group(),
        text,
    )


def _last_row(before: str, block: re.Match) -> str:
    inside = before.count("$") % 2 or before.count("\\[") > before.count("\\]")
    if inside or re.search(r"\\begin|\\boxed|\\fbox", block.group(2)):
        return block.group()  # already math, or it holds a matrix or a box, read as they are
    rows = [row for row in block.group(2).split("\\\\") if row.strip()]
    last = rows[-1].replace("&", "").strip().rstrip(".,") if rows else ""
    return rf"\[ {last.removeprefix('=').strip()} \]" if last else block.group()


def _before_clause(line: str) -> str:
    """`line` up to a clause after the value of its last sentence (`The largest n is $34$, since
    $35$ would exceed the bound.` ends on `$34$`)."""
    start = max((m.end() for m in _SENTENCE_SPLIT.finditer(line)), default=0)
    clause = _CLAUSE_AFTER.search(line, start)
    if not clause or _ANOTHER_VALUE.search(line, clause.end()):
        return line  # `12 because ...; with rotations it is 15`: a second value, not an aside
    return line[: clause.start()].rstrip(" ,;")


def _stated_in_last_sentence(last_line: str) -> str | None:
    """The value a closing sentence states mid-way (`The smallest such n is 34, which ...`,
    `she needs 12 more boxes to finish`): after its last "is"/`=`, else its one number."""
    sentences = [s for s in _SENTENCE_SPLIT.split(last_line[-MAX_LINE:].strip()) if s]
    if not sentences or len(_WORD.findall(sentences[-1])) < 3:
        return None
    value = _in_sentence(sentences[-1].rstrip(".!?。 "))
    return value if value != sentences[-1].rstrip(".!?。 ") else None


def _numbered_parts(body: str) -> list[str] | None:
    """The answers to numbered parts that end a reply (`(1) $\\frac{\\pi}{3}$; (2) $2\\sqrt{3}$`,
    `Part (I): ... Part (II): ...`, lines `1. ...`, `2. ...`): each part's last inline math, when the
    parts are numbered 1, 2, ... in order and each holds math; else None."""
    tail = body[-MAX_PARTS_TAIL:]
    markers = list(_PART.finditer(tail))
    numbers = [_PART_NUMBERS[next(g for g in m.groups() if g)] for m in markers]
    start = max((i for i, n in enumerate(numbers) if n == 1), default=None)
    if start is None or numbers[start:] != list(range(1, len(numbers) - start + 1)):
        return None
    markers = markers[start:]
    if len(markers) < 2:
        return None
    ends = [m.start() for m in markers[1:]] + [len(tail)]
    answers = []
    for marker, end in zip(markers, ends, strict=True):
        maths = list(_INLINE_MATH.finditer(tail[marker.end() : end]))
        if not maths:
            return None
        answers.append(next(g for g in maths[-1].groups() if g is not None).strip())
    return answers


def _unclosed_box(region: str) -> str | None:
    """What follows the last `\\boxed{` of a reply cut off before its closing brace."""
    opened = list(_OPEN_BOX.finditer(region))
    if not opened:
        return None
    rest = region[opened[-1].end() :].strip().rstrip("$.").strip()
    return rest or None


def extract_answer(response: str) -> Extraction:
    """The final answer in `response`, and the other boxed answers beside it."""
    response = _single_backslashes(response)
    region = _displayed(own_turn(after_thinking(response)).replace("\u2212", "-"))
    tag = answer_tag(region)
    if tag is not None:
        region = tag
    region = _CODE_SPAN.sub(r"\1", _BOLD.sub("", region))
    boxes = boxed_spans(region)
    if boxes:
        after_box = region[region.rfind("\\boxed") :]
        after_box = after_box[after_box.find("}") :] if "}" in after_box else after_box
        later = _phrase_at(after_box)
        if later and _has_value(later):
            return Extraction(later, "phrase")
        end = boxes[-1][1]
        after = region[end : end + MAX_REJECTION]  # bounded: the pattern backtracks
        if len(boxes) > 1 and _REJECTED.match(after):
            boxes = boxes[:-1]  # `\\boxed{3}; the negative root \\boxed{-3} is rejected`: 3
        last_start, _, answer = boxes[-1]
        earlier = [(end, box) for _, end, box in boxes[:-1] if box != answer]
        hedges = [box for end, box in earlier if not _moves_on(region[end:last_start])]
        return Extraction(answer, "boxed", [box for _, box in earlier], hedges)
    spaced = _SPACED_BOX.findall(region)
    if spaced:  # `\\boxed 5`, the brace-less box of the MATH dataset's solutions
        return Extraction(spaced[-1].rstrip(".,;"), "boxed")
    unclosed = _unclosed_box(region)
    if unclosed:
        return Extraction(unclosed, "boxed")
    marked = list(_GSM8K_ANSWER.finditer(region))
    if marked and not _PROSE.search(region, marked[-1].end()):  # GSM8K's `#### 42` line, alone or
        # after the working, and nothing written after it (`#### 18` then `Wait, ... is 20`)
        return Extraction(_strip_math(marked[-1].group(1).strip().rstrip(".")), "phrase")
    phrase = _phrase_at(region)
    if phrase:
        return Extraction(phrase, "phrase")
    named = list(_VALUE_IS_ANSWER.finditer(region))
    if named:
        return Extraction(_strip_math(named[-1].group(1)), "phrase")
    stripped = region.strip()
    parts = _numbered_parts(_without_sign_off(stripped) if stripped else "")
    if parts:  # `(1) $a_n = 2n - 1$; (2) $T_n = n^2$`: the last part, the others beside it
        return Extraction(parts[-1], "parts", parts[:-1])
    short = stripped and len(stripped) <= MAX_SHORT and "\n" not in stripped
    only_math = stripped and len(stripped) <= 4 * MAX_SHORT and "\\begin" in stripped
    words = len(_WORD.findall(stripped)) + len(_SCRIPT_WORD.findall(stripped))
    opening = _PROSE_START.match(stripped)
    closes = _trailing(stripped) or _bare_closing(stripped)
    latin_prose = opening and opening.group(1).lower() not in _MATH_NAMES
    prose = latin_prose or _SCRIPT_WORD.match(stripped)
    if short and prose and closes:  # `It costs £15.`, `So, 3 + 4 = 7.`, `所以一共需要5天完成。`:
        short = False  # a sentence ending on its value
    if short and words and _INLINE_MATH.search(stripped) and _strip_math(stripped) == stripped:
        short = False  # `Hence $x \approx 2.24$.`: the math it holds, read below
    if (short or only_math) and words < 3:  # `42`, `x^2 - 1`, a pmatrix
        return Extraction(_strip_math(stripped), "answer_tag" if tag is not None else "whole")
    body = _without_sign_off(stripped) if stripped else ""
    last_line = body.rsplit("\n", 1)[-1]
    trailing = _trailing(_before_clause(last_line)) or _bare_closing(body)
    if trailing:
        return Extraction(trailing, "trailing")
    stated = _stated_in_last_sentence(_before_clause(last_line))
    if stated:
        return Extraction(stated, "closing")
    maths = list(_INLINE_MATH.finditer(body))
    if maths and _CJK_REFUSED.match(body, maths[-1].end()):
        return Extraction(None, "no_answer")  # `$x=5$不成立`
    if maths:  # the last math anywhere, as math-verify reads a reply without a cue
        return Extraction(next(g for g in maths[-1].groups() if g is not None).strip(), "last_math")
    if short:  # a short sentence without a trailing value: `no real solution exists`
        return Extraction(_strip_math(stripped), "whole")
    return Extraction(None, "no_answer")


def _single_backslashes(text: str) -> str:
    """`text` as written when every command in it was escaped once more (`$\\\\frac{1}{2}$` from a
    JSON or Python string): each doubled backslash halved. Text with any single-backslash command
    (a matrix's `\\\\` row break beside `\\frac`) is left as it is."""
    if _DOUBLED_COMMAND.search(text) and not _SINGLE_COMMAND.search(text):
        return text.replace("\\\\", "\\")
    return text


def _reply(text: str) -> bool:
    """Whether a short ground truth is written like a reply: an answer tag, a think block, GSM8K's
    `#### 10` line, or math that a sentence leads to (a word of three letters or more before it;
    `$125$ miles` is a value and its unit)."""
    if _REPLY_MARK.search(text):
        return True
    math = _INLINE_MATH.search(text)
    return bool(math) and bool(_PROSE.search(text[: math.start()]))


def _one_box(text: str) -> bool:
    """Whether `text` is one box and nothing else (`$\\boxed{5}$`; not `\\boxed{5}. \\end{align*}`)."""
    inner = text.strip("$ \n")
    opened = re.match(r"\\(?:boxed|fbox)\s*\{", inner)
    return bool(opened) and braced(inner, opened.end() - 1) == inner[opened.end() - 1 :]


def extract_truth(truth: str) -> str:
    """The answer a ground truth states: itself, unless it is written as a solution (a box inside
    text, several boxes, a long text, an answer tag or think block, or prose leading to its math:
    `Therefore $x \\geq 5$ is the solution.`), in which case what `extract_answer` reads from it,
    with several boxes joined as a list (`\\boxed{1}\\boxed{2}` is `1, 2`)."""
    truth = _single_backslashes(truth)
    text = truth.strip()
    boxes = boxed_all(text)
    whole_box = len(boxes) == 1 and _one_box(text)
    if not boxes and len(text) <= MAX_SHORT and not _FINAL.search(text) and not _reply(text):
        return truth
    if whole_box:
        return truth
    extraction = extract_answer(text)
    if not extraction.answer:
        return truth
    if extraction.how in {"boxed", "parts"} and extraction.others:
        return ", ".join([*extraction.others, extraction.answer])
    return extraction.answer
