"""Compile Chameleon templates one at a time.

CPython 3.11 keeps the recursion depth of its AST converter per
interpreter, not per thread (python/cpython#106905): two threads parsing
Python expressions at once (as Chameleon does when it compiles a template)
may fail with ``SystemError: AST constructor recursion depth mismatch``.
Right after a start under load, several threads compile the same pages at
once, and a citizen got a 500.  Compiling is done once per template and
process, so a lock costs nothing afterwards; rendering is not serialized.
"""
import threading

from chameleon.template import BaseTemplate, BaseTemplateFile

#: reentrant: compiling a template may load another (macros)
LOCK = threading.RLock()


def install():
    """Wrap ``BaseTemplate._cook`` (parse, compile, build the module)
    with the lock, and make a template file's ``cook_check`` compile it
    once: the threads that asked for it at the same time wait for that
    compilation instead of each compiling it again in turn.  Idempotent."""
    cook = BaseTemplate._cook
    if getattr(cook, 'httttha_serialized', False):
        return
    check = BaseTemplateFile.cook_check

    def cook_check_once(self):
        if self._cooked and not self.auto_reload:
            return False          # compiled: no lock on the hot path
        with LOCK:
            return check(self)
    BaseTemplateFile.cook_check = cook_check_once

    def serialized_cook(self, body, name, builtins):
        with LOCK:
            return cook(self, body, name, builtins)
    serialized_cook.httttha_serialized = True
    serialized_cook.__wrapped__ = cook
    BaseTemplate._cook = serialized_cook
