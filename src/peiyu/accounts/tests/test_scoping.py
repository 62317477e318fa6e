def test_national_scope_still_matches_everything_when_combined_with_other_scopes(world):
    """A national scope OR-ed with another filter must not collapse to nothing (Q() | x == x)."""
    from django.db.models import Q

    from peiyu.accounts.models import Org
    from peiyu.accounts.scoping import scope_for

    scope = scope_for(world.cg_official, "org.view")
    assert scope.national
    combined = Q(pk__in=[]) | scope.q(region="region_id")
    assert Org.objects.filter(combined).count() == Org.objects.count()
