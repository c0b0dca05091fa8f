"""The K2 reply format, in one place: system prompts, `<think>`/`<answer>`, boxes and lenient JSON.

A K2 Think reply reads `<think> reasoning </think> <answer> answer </answer>`, and a math answer
usually sits in `\\boxed{...}`. Every package reads and writes replies through this module, so the
answer the pipeline shows or votes on is the one a verifier scores and a trainer teaches.

The rules:

- **Reasoning** ends at the *last* `</think>`: `split_reasoning` gives what is before it (a leading
  `<think>` dropped) and what follows. A reply with no `</think>` but an opening `<think>` was cut
  off while thinking: it is all reasoning and has nothing after it. A reply with neither tag is
  all answer.
- **Answer tag**: the last `<answer>`; an unclosed one runs to the end of the text, because servers
  drop the stop string `</answer>` that K2 Think samples with.
- **Boxes**: `\\boxed{...}` and `\\fbox{...}`, nested braces allowed; an unclosed box is ignored.
- **JSON**: `parse_json` is strict and bounded; `find_json_object` finds an object in prose or
  code fences and never raises.

Every scan is linear in the text (or bounded), so hostile replies (100k characters, thousands of
unclosed tags or braces) cost milliseconds.
"""

from __future__ import annotations

import json
import re

from .errors import UnknownNameError

THINK_OPEN = "<think>"
THINK_CLOSE = "</think>"
ANSWER_OPEN = "<answer>"
ANSWER_CLOSE = "</answer>"
FORMAT_TAGS = (THINK_OPEN, THINK_CLOSE, ANSWER_OPEN, ANSWER_CLOSE)

PROMPTS: dict[str, str] = {
    # The K2 Think report's format instruction: think inside <think>, answer inside <answer>.
    "k2": (
        "You are K2 Think, a helpful assistant. The assistant first thinks about the reasoning "
        "process in the mind and then provides the user with the answer. The reasoning process is "
        "enclosed within <think> </think> and the answer is enclosed within <answer> </answer> "
        "tags, respectively, i.e., <think> reasoning process here </think> <answer> answer here "
        "</answer>."
    ),
    # AM-Thinking's `default_system`: the system prompt of K2 Think's SFT. Text as registered for the
    # `AM-thinking` template in MBZUAI-IFM/K2-Think-SFT, src/llamafactory/data/template.py, commit
    # 049171e642e02f8145d910beffe6582d39f84fc4 (the recipe's `template: AM-thinking`).
    "am-thinking": (
        "You are a helpful assistant. To answer the user's question, you first think about the "
        "reasoning process and then provide the user with the answer. The reasoning process and "
        "answer are enclosed within <think> </think> and <answer> </answer> tags, respectively, "
        "i.e., <think> reasoning process here </think> <answer> answer here </answer>."
    ),
    # K2 Think's solver prompt at inference: `Env.SOLVER_PROMPT` in MBZUAI-IFM/K2-Think-Inference,
    # main.py, commit a576a0744646520fdee39cca35b9e5255c236d9e.
    "k2-think": (
        "You are K2-Think, a helpful assistant trained by MBZUAI. To answer the user's question, "
        "you first think about the reasoning process and then provide the user with the answer. The "
        "reasoning process and answer are enclosed within <think> </think> and <answer> </answer> "
        "tags, respectively, i.e., <think> reasoning process here </think> <answer> answer here "
        "</answer>."
    ),
}
"""System prompts by name. Recipes name one with `system_prompt = { name = "k2" }`."""

SYSTEM_PROMPT = PROMPTS["k2"]
"""The default K2 system prompt."""


def system_prompt(name: str = "k2") -> str:
    """The system prompt called `name` in `PROMPTS`."""
    if name not in PROMPTS:
        raise UnknownNameError(
            f"no system prompt {name!r}", f"known prompts: {', '.join(sorted(PROMPTS))}"
        )
    return PROMPTS[name]


# --- reasoning ---------------------------------------------------------------------------------


def split_reasoning(text: str) -> tuple[str, str]:
    """(reasoning, rest), both stripped: split at the last `</think>`; see the module's rules.

    The reasoning loses its leading `<think>` (and anything before it).
    """
    before, closed, after = text.rpartition(THINK_CLOSE)
    if closed:
        return before.split(THINK_OPEN, 1)[-1].strip(), after.strip()
    if THINK_OPEN in text:  # cut off while thinking
        return text.split(THINK_OPEN, 1)[-1].strip(), ""
    return "", text.strip()


def after_thinking(text: str) -> str:
    """The reply without its reasoning, stripped: what follows the last `</think>`."""
    return split_reasoning(text)[1]


def join_reasoning(reasoning: str | None, text: str) -> str:
    """A reply whose reasoning came in its own field, with the reasoning put back inline."""
    return f"{THINK_OPEN}{reasoning}{THINK_CLOSE}{text}" if reasoning else text


# Tokens that end the assistant's turn in common chat templates (ChatML, Llama 3, Gemma, Phi, `</s>`):
# text after one is another turn, not the reply.
_END_OF_TURN = re.compile(
    r"<\|im_end\|>|<\|im_start\|>|<\|eot_id\|>|<\|end_of_text\|>|<\|endoftext\|>|<\|end\|>"
    r"|<\|user\|>|<\|start_header_id\|>|<end_of_turn>|<start_of_turn>|</s>"
)
_ROLE_LINE = re.compile(r"^(?:<\|[a-z_]+\|>|<s>)+\s*(?:assistant|model)?\s*", re.IGNORECASE)


def own_turn(text: str) -> str:
    """The model's own turn of a raw completion: leading template tokens (`<|im_start|>assistant`)
    dropped, cut at the first token that ends the turn (`<|im_end|>`, `<|eot_id|>`, `</s>`, ...)."""
    text = _ROLE_LINE.sub("", text.lstrip())
    end = _END_OF_TURN.search(text)
    return text[: end.start()] if end else text


# --- answer tag and boxes ----------------------------------------------------------------------


def answer_tag(text: str) -> str | None:
    """The content of the last `<answer>` tag, across lines, stripped; None when there is none.

    An unclosed last tag runs to the end of the text, less a closing tag that was cut short there
    (`<answer>42</answer` when the token budget ran out mid-tag).
    """
    start = text.rfind(ANSWER_OPEN)
    if start < 0:
        return None
    start += len(ANSWER_OPEN)
    end = text.find(ANSWER_CLOSE, start)
    if end < 0:
        end = len(text)
        for size in range(len(ANSWER_CLOSE) - 1, 1, -1):  # `</answer` down to `</`
            if text.endswith(ANSWER_CLOSE[:size]):
                end -= size
                break
    return text[start : max(start, end)].strip()


_BOX_OPENERS = re.compile(r"\\(?:boxed|fbox)\s*\{")
# A brace sized as a delimiter (`\left\{`, `\right\}`, `\big\{`) is a character, not grouping: a
# system `\left\{ ... \right.` opens one that never closes. (A bare `\}` still closes a group,
# so `\boxed{512\}` with its stray backslash is a box.)
_BRACES = re.compile(r"\\(?:left|right|[bB]igg?[lr]?)\s*\\[{}]|[{}]")


def boxed_all(text: str) -> list[str]:
    """The stripped contents of every complete `\\boxed{...}` / `\\fbox{...}`, in the order they close.

    One pass with a stack of open braces, so nested braces (`\\boxed{\\frac{1}{2}}`) work and
    unbalanced input stays linear. A box nested inside another box is listed before it.
    """
    return [content for _, _, content in boxed_spans(text)]


def boxed_spans(text: str) -> list[tuple[int, int, str]]:
    """`boxed_all` with where each box is: `(start, end, contents)`, `text[start:end]` being the
    whole `\\boxed{...}`."""
    openers = {match.end() - 1: match for match in _BOX_OPENERS.finditer(text)}
    stack: list[int] = []
    spans = []
    for brace in _BRACES.finditer(text):
        index = brace.start()
        if brace.group() == "{":
            stack.append(index)
        elif brace.group() == "}" and stack:
            opened = stack.pop()
            if opened in openers:
                opener = openers[opened]
                spans.append((opener.start(), index + 1, text[opener.end() : index].strip()))
    return spans


def braced(text: str, start: int) -> str | None:
    """The LaTeX group opening at `text[start]` (a `{`) up to its matching `}`, or None. Sized
    braces are characters, not grouping: `{\\left\\{ x = 1 \\right.}` is one group."""
    if not text.startswith("{", start):
        return None
    depth = 0
    for brace in _BRACES.finditer(text, start):
        depth += {"{": 1, "}": -1}.get(brace.group(), 0)
        if depth == 0:
            return text[start : brace.end()]
    return None


def last_boxed(text: str) -> str | None:
    """The content of the last complete box (the outermost one when boxes nest), or None."""
    contents = boxed_all(text)
    return contents[-1] if contents else None


def final_answer(text: str) -> str | None:
    """The final answer of a reply, for display and grouping.

    After the reasoning: the last `<answer>` block, unwrapped from a box inside it; else the last
    box; None when there is neither. (Verifiers may read more, such as "the answer is 42".)
    """
    after = after_thinking(text)
    answer = answer_tag(after)
    if answer:
        return last_boxed(answer) or answer
    return last_boxed(after)


# --- writing and checking the format -----------------------------------------------------------


def render(reasoning: str, answer: str) -> str:
    """A reply in the K2 format: `<think>\\n…\\n</think> <answer>\\n…\\n</answer>`."""
    return f"{THINK_OPEN}\n{reasoning}\n{THINK_CLOSE} {ANSWER_OPEN}\n{answer}\n{ANSWER_CLOSE}"


def well_formed(text: str) -> bool:
    """Whether `text` is `[<think>]...</think> <answer>...[</answer>]` with nothing around it.

    The opening `<think>` may be missing (chat templates that put it in the prompt) and the closing
    `</answer>` too (the stop string); each tag appears at most once and the answer is not empty.
    """
    if any(text.count(tag) > 1 for tag in FORMAT_TAGS):
        return False
    thinking, closed, rest = text.partition(THINK_CLOSE)
    if not closed or (THINK_OPEN in thinking and not thinking.lstrip().startswith(THINK_OPEN)):
        return False
    rest = rest.strip()
    if not rest.startswith(ANSWER_OPEN):
        return False
    answer, _, after = rest[len(ANSWER_OPEN) :].partition(ANSWER_CLOSE)
    return bool(answer.strip()) and not after.strip()


# --- JSON --------------------------------------------------------------------------------------

MAX_JSON_CHARS = 200_000
MAX_JSON_DEPTH = 64
_NESTING = re.compile(r"[\[\]{}]")


def parse_json(text: str) -> object:
    """Parse JSON from model text safely: bounded in size and nesting, never `eval`.

    Raises ValueError (with a short reason: too_long, too_deep, not_json).
    """
    if len(text) > MAX_JSON_CHARS:
        raise ValueError("too_long")
    depth = 0
    for bracket in _NESTING.finditer(text):
        depth += 1 if bracket.group() in "[{" else -1
        if depth > MAX_JSON_DEPTH:
            raise ValueError("too_deep")
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        raise ValueError("not_json") from error


def balanced(text: str, start: int) -> str | None:
    """The bracketed span opening at `text[start]` (`[` or `{`) up to its matching close, or None.

    Brackets inside JSON strings are skipped, so `{"a": "]"}` is one span.
    """
    opener = text[start]
    closer = {"[": "]", "{": "}"}[opener]
    depth, in_string, escaped = 0, False, False
    for index in range(start, len(text)):
        char = text[index]
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == opener:
            depth += 1
        elif char == closer:
            depth -= 1
            if depth == 0:
                return text[start : index + 1]
    return None


MAX_JSON_TRIES = 64
_OBJECT_START = re.compile(r'\{\s*["}]')  # where a JSON object can begin: `{"` or `{}`


def find_json_object(text: str) -> dict | None:
    """The first JSON object after the reasoning, in prose or ``` fences; None if there is none.

    Never raises. Tries at most `MAX_JSON_TRIES` places where an object could begin (`{"` or `{}`,
    so LaTeX braces cost nothing), which bounds the work on hostile text.
    """
    decoder = json.JSONDecoder()
    body = after_thinking(text)
    for tries, match in enumerate(_OBJECT_START.finditer(body)):
        if tries >= MAX_JSON_TRIES:
            break
        try:
            value, _ = decoder.raw_decode(body, match.start())
        except (json.JSONDecodeError, RecursionError):
            continue
        if isinstance(value, dict):
            return value
    return None
