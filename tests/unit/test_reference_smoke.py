"""The one-agent-per-household reference (benchmarks/reference.py) in the BPJS-TK world, small.

A fast check of the reference's insurance part (the slow statistical comparison is
tests/test_reference_equivalence.py): it starts from the vectorised model's scheme state, pays
every kind of benefit, and keeps membership where the vectorised model has it. Deaths, accidents
and JKP claims are made frequent (JKP also in force in the burn-in) so that 2,000 households and
3 months see all of them.
"""

import sys
from pathlib import Path

import numpy as np
import pytest
from short_burn_in import SHORT_PARAMS

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from reference import BENEFITS, BPJS_TK, INDICATORS, ReferenceModel  # noqa: E402

from simulation.model import PovertyModel  # noqa: E402
from simulation.state import CASUAL, FORMAL, OWN_ACCOUNT, UNEMPLOYED, UNPAID  # noqa: E402

PARAMS = SHORT_PARAMS.with_changes({
    "shocks.deaths.p_death": 0.003,
    "shocks.accidents.accident_probability_by_sector": [0.01, 0.02, 0.01],
    "programmes.social_insurance.is_jkp_in_force": True,
    "programmes.social_insurance.jkp_take_up_rate": 1.0,
})


@pytest.fixture(scope="module")
def pair():
    vm = PovertyModel(PARAMS, n_households=2000, seed=2, end="2021-06", policies=[BPJS_TK])
    scheme = vm.policies[0]
    start = {"members": float(vm.households.weight[vm.workers.household[
        scheme.is_insured]].sum()),
        "contrib_months": int(scheme.contrib_months.sum()),
        "jkp_months_left": int(scheme.jkp_months_left.sum()),
        "jkp_longest": int(scheme.jkp_months_left.max()),
        "jkm_remaining": float(scheme.jkm_remaining.sum())}
    ref = ReferenceModel(vm, seed=2)
    workers = list(ref.all_workers())
    start["copied"] = {"contrib_months": sum(w.contrib_months for w in workers),
                       "jkp_months_left": sum(w.jkp_months_left for w in workers),
                       "jkm_remaining": sum(h.jkm_remaining for h in ref.households)}
    out = ref.run()
    vm.run()
    return vm, ref, out, start


def test_starts_from_the_schemes_state(pair):
    _, _, out, start = pair
    assert start["jkp_months_left"] > 0 and start["jkm_remaining"] > 0  # spells in progress
    assert out["members"][0] == pytest.approx(start["members"], rel=1e-12)
    for k, v in start["copied"].items():
        assert v == pytest.approx(start[k], rel=1e-9), k
    assert out["date"][0] == "2021-03" and len(out["date"]) == 4


def test_pays_every_benefit(pair):
    vm, _, out, _ = pair
    for k in BENEFITS:
        assert out[k][0] == 0.0 and out[k][1:].sum() > 0, k
    total_ref = sum(out[k][1:].sum() for k in BENEFITS)
    total_vec = sum(vm.policies[0].flows[k][1:].sum() for k in BENEFITS)
    assert 0.5 < total_ref / total_vec < 2.0, (total_ref, total_vec)


def test_new_jkp_claims(pair):
    vm, ref, _, start = pair
    assert start["jkp_longest"] <= 5
    # Spells copied at step 0 had at most 5 months left, so 3 or more now means a claim made
    # during these 3 months (JKP in force and take-up 1 here).
    new_ref = sum(w.jkp_months_left >= 3 for w in ref.all_workers())
    new_vec = int((vm.policies[0].jkp_months_left >= 3).sum())
    assert new_ref > 0 and 0.5 < new_ref / new_vec < 2.0, (new_ref, new_vec)


def test_membership_follows_the_rules(pair):
    vm, ref, out, _ = pair
    members_vec = vm.policies[0].members[-1]
    assert abs(out["members"][-1] / members_vec - 1) < 0.05, (out["members"][-1], members_vec)
    for w in ref.all_workers():
        pu = w.status == FORMAL and ref.compliant[w.employer]
        bpu = w.status in (CASUAL, OWN_ACCOUNT, UNPAID) and w.bpu_trait
        assert w.insured == (pu or bpu)
        assert not (w.status == UNEMPLOYED and w.insured)


def test_other_policies_are_refused_and_no_policy_world_runs():
    spec = {"type": "pbi_contributions", "label": "pbi", "members": 0}
    vm = PovertyModel(PARAMS, n_households=300, seed=1, end="2021-04",
                      policies=[BPJS_TK, spec])
    with pytest.raises(ValueError, match="bpjs_tk"):
        ReferenceModel(vm)
    plain = PovertyModel(PARAMS, n_households=300, seed=1, end="2021-04")
    out = ReferenceModel(plain, seed=1).run()
    assert set(out) == {"date", *INDICATORS}
    assert np.isfinite(out["extreme_poverty_rate"]).all()
