"""The pose vocabulary: what each pose word does to the figure, and which pose a prompt asks for.

A prompt names a pose by any of its words ("wave", "waves hello", "waving"); a misspelt word
finds its nearest; any other prompt gets a variant of a pose chosen by the prompt's hash.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace

from masko_widgets.local.render._imaging import prompt_random

_NEAR = 0.85  # similarity (difflib ratio) at which a misspelt word counts as a pose word


@dataclass(frozen=True)
class Limb:
    """An arm or leg in two segments. Angles in degrees from straight down, turning away from
    the body (90 = straight out sideways, 180 = straight up, negative = across the body);
    `bend` turns the lower segment from the upper one the same way."""

    angle: float
    bend: float = 0.0
    length: float = 1.0


@dataclass(frozen=True)
class Pose:
    """A figure: limbs (viewer's left, right), body transform, expression and props."""

    name: str
    arms: tuple[Limb, Limb] = (Limb(18), Limb(18))
    legs: tuple[Limb, Limb] = (Limb(6), Limb(6))
    hands: tuple[str, str] = ("open", "open")  # open | thumb | point
    tilt: float = 0.0  # degrees, counter-clockwise
    stretch: float = 1.0  # body height factor (its width changes the other way)
    lift: float = 0.0  # share of the canvas above the ground
    eyes: str = "open"  # open | closed | happy | wide | side
    mouth: str = "smile"  # smile | open | flat | o
    props: tuple[str, ...] = ()  # motion speed zz bubble sparkle alarm notes shadow
    shown: float = 1.0  # share of the body above a ledge, the rest hidden (peeking)


POSES: dict[str, Pose] = {
    pose.name: pose
    for pose in (
        Pose("standing", props=("shadow",)),
        Pose(
            "waving",
            arms=(Limb(20), Limb(135, 30)),
            mouth="open",
            props=("motion", "shadow"),
        ),
        Pose(
            "jumping",
            arms=(Limb(125, 15), Limb(125, 15)),
            legs=(Limb(45, -75, 0.9), Limb(45, -75, 0.9)),
            stretch=1.06,
            lift=0.1,
            mouth="open",
            props=("shadow",),
        ),
        Pose(
            "sitting",
            arms=(Limb(35, -20, 0.9), Limb(35, -20, 0.9)),
            legs=(Limb(82, 8, 1.1), Limb(82, 8, 1.1)),
            stretch=0.86,
            props=("shadow",),
        ),
        Pose(
            "running",
            arms=(Limb(-35, 60), Limb(75, -80)),
            legs=(Limb(-25, 70), Limb(55, 20)),
            tilt=-14,
            props=("speed", "shadow"),
            mouth="open",
        ),
        Pose(
            "sleeping",
            arms=(Limb(8, 0, 0.8), Limb(8, 0, 0.8)),
            legs=(Limb(4, 0, 0.8), Limb(4, 0, 0.8)),
            tilt=90,
            eyes="closed",
            mouth="flat",
            props=("zz",),
        ),
        Pose(
            "thumbs up",
            arms=(Limb(18), Limb(80, -95)),
            hands=("open", "thumb"),
            eyes="happy",
            props=("sparkle", "shadow"),
        ),
        Pose(
            "pointing",
            arms=(Limb(18), Limb(92, 0, 1.35)),
            hands=("open", "point"),
            eyes="side",
            props=("shadow",),
        ),
        Pose(
            "cheering",
            arms=(Limb(160, 12), Limb(160, 12)),
            stretch=1.08,
            eyes="happy",
            mouth="open",
            props=("sparkle", "shadow"),
        ),
        Pose(
            "thinking",
            arms=(Limb(-10, 0, 0.8), Limb(40, -160)),
            tilt=7,
            eyes="side",
            mouth="flat",
            props=("bubble", "shadow"),
        ),
        Pose(
            "surprised",
            arms=(Limb(100, 35), Limb(100, 35)),
            legs=(Limb(18), Limb(18)),
            stretch=1.12,
            eyes="wide",
            mouth="o",
            props=("alarm", "shadow"),
        ),
        Pose(
            "peeking",
            arms=(Limb(150, 30, 0.7), Limb(150, 30, 0.7)),
            eyes="side",
            mouth="flat",
            shown=0.55,
        ),
        Pose(
            "dancing",
            arms=(Limb(150, 25), Limb(55, -75)),
            legs=(Limb(4), Limb(70, -85, 0.9)),
            tilt=12,
            eyes="happy",
            mouth="open",
            props=("notes", "shadow"),
        ),
    )
}

WORDS: dict[str, str] = {
    word: name
    for name, words in {
        "standing": "stand stands standing idle still neutral default",
        "waving": "wave waves waving waved hello hi greet greets greeting bye goodbye",
        "jumping": "jump jumps jumping jumped leap leaps leaping hop hops hopping bounce bouncing",
        "sitting": "sit sits sitting seated sat",
        "running": "run runs running ran sprint sprinting jog jogging dash dashing hurry rushing",
        "sleeping": "sleep sleeps sleeping asleep nap napping snooze snoozing tired resting",
        "thumbs up": "thumbs thumb approve approves approving okay ok great",
        "pointing": "point points pointing pointed show shows showing",
        "cheering": "cheer cheers cheering celebrate celebrates celebrating hooray yay win victory",
        "thinking": "think thinks thinking ponder pondering wonder wondering hmm idea curious",
        "surprised": "surprise surprised shock shocked wow gasp gasps amazed astonished startled",
        "peeking": "peek peeks peeking peep peeping hide hides hiding sneak sneaking shy",
        "dancing": "dance dances dancing danced groove grooving boogie party",
    }.items()
    for word in words.split()
}
"""Every word that names a pose, to the pose it names."""


def pose_for(prompt: str) -> Pose:
    """The pose a prompt asks for: the first pose word in it, else the nearest pose word to
    one of its words, else a variant of a pose chosen by the prompt's hash."""
    words = re.findall(r"[a-z]+", prompt.lower())
    for word in words:
        if word in WORDS:
            return POSES[WORDS[word]]
    for word in words:
        near = difflib.get_close_matches(word, sorted(WORDS), n=1, cutoff=_NEAR)
        if len(word) >= 5 and near:
            return POSES[WORDS[near[0]]]
    return _variant(prompt)


def _variant(prompt: str) -> Pose:
    """A pose chosen by the prompt's hash, its limbs and tilt moved a little by the hash."""
    rng = prompt_random(prompt + "#pose")
    base = POSES[rng.choice(sorted(POSES))]

    def nudge(limb: Limb) -> Limb:
        return replace(limb, angle=limb.angle + rng.uniform(-15, 15))

    return replace(
        base,
        arms=(nudge(base.arms[0]), nudge(base.arms[1])),
        tilt=base.tilt + rng.uniform(-6, 6),
    )
