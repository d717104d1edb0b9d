"""A still's animations, jumped to their last state without playing them.

A still (``--still``) draws one frame, after every animation before it. Manim skips an
animation by beginning it all the same: it deep-copies the mobjects every transform and
fade starts from, sorts the moving mobjects from the still ones and paints the still ones,
at every play; that is nearly all of a still's time and none of its picture. Each kind of
animation the scenes use has a known last state, set here directly; any other kind is
begun and finished as Manim would.
"""
from __future__ import annotations

from manim import (
    Animation, AnimationGroup, FadeTransform, Scene, Transform, UpdateFromAlphaFunc, UpdateFromFunc, Wait,
)
from manim.animation.transform import _MethodAnimation
from manim.animation.transform_matching_parts import TransformMatchingAbstractBase


def jump_to_end(scene: Scene, *animations: Animation) -> None:
    """Leave ``scene`` as it is once ``animations``, played together, have ended: their mobjects
    added, changed or removed. What they remove goes in one call at the end, as Manim's play does:
    a call per flash across hundreds of edges would restructure the scene's list each time."""
    removed: list = []
    added_last: list = []
    for animation in animations:
        _jump(scene, animation, removed, added_last)
    scene.remove(*removed)
    scene.add(*added_last)


def _jump(scene: Scene, animation: Animation, removed: list, added_last: list) -> None:
    if isinstance(animation, Wait):
        return
    if isinstance(animation, TransformMatchingAbstractBase):  # its parts move copies: the source goes, the target
        removed.extend([animation.mobject, *animation.to_remove])  # stays (jumping the parts left both drawn)
        added_last.append(animation.to_add)
        return
    if isinstance(animation, AnimationGroup):  # LaggedStart and Succession too
        for part in animation.animations:
            _jump(scene, part, removed, added_last)
        return
    mobject = animation.mobject
    if animation.is_remover():  # FadeOut and passing flashes are gone, left as they were before
        removed.append(mobject)
    elif animation.is_introducer():  # FadeIn, Create, Write, GrowFromCenter: the mobject as it is
        scene.add(mobject)
    elif isinstance(animation, _MethodAnimation):  # mobject.animate.method(...): the method, applied
        for call in animation.methods:
            call.method.__func__(mobject, *call.args, **call.kwargs)
    elif isinstance(animation, UpdateFromAlphaFunc):
        animation.update_function(mobject, animation.rate_func(1.0))
    elif isinstance(animation, UpdateFromFunc):
        animation.update_function(mobject)
    elif isinstance(animation, FadeTransform):
        removed.append(mobject)
        added_last.append(animation.to_add_on_completion)
    elif isinstance(animation, Transform) and animation.rate_func(1.0) == 0.0:
        return  # there and back (Indicate): it ends as it began
    else:
        animation._setup_scene(scene)
        animation.begin()
        animation.finish()
        animation.clean_up_from_scene(scene)
