"""core.actions.dispatch: one table of verbs shared by a page and the API."""

import pytest

from peiyu.core.actions import dispatch
from peiyu.core.errors import InvalidInput

TABLE = {"double": lambda x, *, times=2: x * times, "negate": lambda x: -x}


def test_a_known_verb_runs_with_the_given_arguments():
    assert dispatch(TABLE, "double", 4) == 8
    assert dispatch(TABLE, "double", 4, times=3) == 12
    assert dispatch(TABLE, "negate", 4) == -4


@pytest.mark.parametrize("verb", ["", None, "DOUBLE", "delete", "double "])
def test_an_unknown_verb_is_refused_in_chinese_with_the_field(verb):
    with pytest.raises(InvalidInput) as exc:
        dispatch(TABLE, verb, 4)
    assert exc.value.code == "unknown_action" and exc.value.fields == {"action": ["无效的操作"]}
