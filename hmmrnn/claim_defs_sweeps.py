"""The training claims decided over a folder of training runs (paper 3.2, App B, section 1): P6, P7, P10, P11, P13.

Each is one verdict over the runs under ``--runs-dir`` (across="training-runs"); its arms (configurations,
seeds, epoch budget) are data in recipes_sweeps.DESIGNS, and a missing arm is an ERROR naming the runs. There
are no checkpoint controls here: what can say "no" is the comparison itself (arms that do not differ fail
every reading; tests/test_training_sweeps.py builds such run folders).
"""
from .cases import RUNS
from .claim import Claim, Reading, Threshold as T

_RULE = ("converged: the project's loss rule (hmmrnn.analysis.convergence.loss_verdict: second descent >= 20% below "
         "the first plateau, last 50 epochs flat within 5%) on the run's first E epochs (E: the arm's budget); a run "
         "that stopped before E unconverged (time ran out) does not count, its seed is missing; a run whose outputs "
         "became non-finite (history.json, no final.json) counts as diverged, not converged")
_IDENTITY = ("A run is identified by its own metadata (final.json: HMM, H, d, L, clip, loss, seed, and the paper's "
             "batch 4096, lr 1e-3, betas 0.9/0.9, 30 000 sequences, blur 0.2), never by its folder's name; of a run and "
             "its continuation the longer counts; unfinished training states (state.pt alone, fixtures/partial) are "
             "never runs.")

CLAIMS: tuple[Claim, ...] = (
    Claim(
        id="training.input-dimension", title="Higher input dimensionality d improves convergence",
        section="3.2",
        statistic="converged fraction of linear:4 runs (H=150, L=30, clip 0.9, seeds 0-4, 500 epochs) at the paper's "
                  "d = 1, 10, 100, 200; one-sided exact trend test of the fraction on log10 d. " + _RULE,
        thresholds=(T("trend_p", "<", 0.05, "the fraction rises with d beyond chance: one-sided exact trend test (exact "
                      "Cochran-Armitage on log10 d, conditional on the number converged) at the usual 5% (the paper "
                      "gives no test); with 5 seeds per arm it needs a clear gradient: converged 1,2,3,4 of 5 from d=1 "
                      "to d=200 gives p 0.035, 2,3,3,4 gives 0.15", ("P6",)),
                    T("converged_gain", ">", 0.0, "and d=200 converges more often than d=1", ("P6",))),
        key="trend_p", across=RUNS,
        notes=("Chain: linear:4, where the paper's d=100 neither always nor never converges (fixtures linear4-seed0..4: "
               "3 of 5 within 500 epochs; linear:2 and linear:3 converge every seed, linear:5 none): a change with d "
               "can show either way. Its d=100 arm is the fixtures' configuration.", _IDENTITY)),
    Claim(
        id="training.hidden-size", title="Hidden size beyond 150 gives only marginal benefits",
        section="3.2",
        statistic="final validation loss (mean of the last 50 of 500 epochs; analysis.convergence.loss_rule) of "
                  "linear:2 runs (d=100, L=100, clip 0.9, seeds 0-4) at H = 50, 150, 200, relative to H=150's "
                  "median: TOST equivalence of H=200 with H=150 within +-5%, one-sided rank-sum test that H=50 ends "
                  "higher. Converged fractions reported. " + _RULE,
        thresholds=(T("equivalence_p", "<", 0.05, "H=200's mean final loss within +-5% of H=150's: two one-sided Welch "
                      "t-tests at 5%. 5% is the seed-to-seed range of the paper's configuration (linear:2 H=150 d=100 "
                      "seeds 0-4 at 500 epochs, the fixtures: final losses 10.35-10.83, a range of 4.6% of their mean "
                      "10.51); a run left on the plateau ends near 36 (+250%)", ("P7",)),
                    T("worse_p", "<", 0.05, "H=50 ends at a higher loss than H=150: one-sided exact rank-sum test at 5% (5 "
                      "seeds per arm: every H=50 run above every H=150 run gives p 0.004; two H=50 runs converging "
                      "like H=150's while three stay on the plateau gives 0.075, a fail)", ("P7",)),
                    T("excess_small", ">", 0.05, "by more than the margin: the median H=50 loss above 1.05 x H=150's "
                      "(what H=150 to 200 may gain is 'marginal'; below 150 the loss must be more)", ("P7",))),
        key="equivalence_p", across=RUNS,
        notes=("Chain: linear:2, the paper's analysed configuration, where every seed converges (fixtures): the final "
               "loss is then a low-spread measure of how well the runs fit. Its H=150 arm is the fixtures' "
               "linear2-seed0..4 (500 epochs), shared with training.clipping and training.baseline-loss.", _IDENTITY)),
    Claim(
        id="training.sequence-length", title="Shorter training sequences help long chains converge",
        section="App. B",
        statistic="converged fraction of linear:5 runs (H=150, d=100, clip 0.9, seeds 0-19, 1000 epochs) at the "
                  "paper's length L=40 and at L=30 (scripts/plans/issue22.txt, fixed before training); one-sided "
                  "Fisher exact test. " + _RULE,
        thresholds=(T("fisher_p", "<", 0.05, "L=30 converges more often than L=40: one-sided Fisher exact test at 5% "
                      "(20 seeds per arm: e.g. 5 of 20 against 0 of 20 gives p 0.024, 4 against 0 gives 0.053)",
                      ("P10",)),
                    T("converged_gain", ">", 0.0, "and the difference is a gain", ("P10",))),
        key="fisher_p", across=RUNS, notes=(_IDENTITY,)),
    Claim(
        id="training.clipping", title="Gradient clipping stabilises training",
        section="App. B",
        statistic="loss spikes per 100 epochs (validation loss above 1.5 x the median of the 5 epochs before it, a run "
                  "of them counted once, a divergence one more; the 10 epochs after a continuation with a fresh Adam "
                  "state passed over) of linear:2 runs (H=150, d=100, L=100, seeds 0-4, 500 epochs) with the paper's "
                  "clip 0.9 and without clipping (--clip 0; scripts/plans/issue22.txt); one-sided exact rank-sum "
                  "test. Converged fractions beside. " + _RULE,
        thresholds=(T("spike_p", "<", 0.05, "unclipped runs spike more: one-sided exact rank-sum test at 5% (5 seeds "
                      "per arm: spikes in 4 of the 5 unclipped runs and none clipped gives p 0.024, 3 of 5 gives 0.083). "
                      "The spike cut 1.5 is set above the largest jump of linear2-seed0 (the reference run, clipped, "
                      "epochs 1-500: 1.36x at epoch 108); held out, clipped seeds 1-4 jump at most 1.19-1.35x (0 "
                      "spikes each); a blow-up (linear2-seed0 trained on to 1000 epochs) jumps 1.85x at epoch 844 before "
                      "its outputs became non-finite", ("P11",)),
                    T("converged_gain", ">=", 0.0, "and clipping costs no convergence: the clipped arm's converged "
                      "fraction is not lower", ("P11",))),
        key="spike_p", across=RUNS,
        notes=("Its clipped arm is the fixtures' linear2-seed0..4 (500 epochs); the unclipped arm's states at epoch 299 "
               "(fixtures/partial/issue22/l2-noclip) are unfinished and not counted.", _IDENTITY)),
    Claim(
        id="training.baseline-loss", title="The Sinkhorn-trained noise-driven RNN learns the stochastic transitions",
        section="1",
        statistic="largest error of the successive-symbol transition matrix (2000 sampled sequences of length 100 "
                  "against the HMM's exact matrix; analysis.emission) of linear:2 runs (H=150, d=100, L=100, clip "
                  "0.9, seeds 0-4, weights at epoch 500) trained with the Sinkhorn divergence and with a baseline "
                  "loss 'mse' (mean squared distance between the i-th RNN and i-th HMM sequence of a batch, paired "
                  "by index: a per-sample loss whose minimiser is the per-step mean, not the distribution); "
                  "one-sided exact rank-sum test",
        thresholds=(T("transition_p", "<", 0.05, "the baseline's transition errors exceed the Sinkhorn runs': one-sided "
                      "exact rank-sum test at 5%", ("P13",)),
                    T("ours_transition_ratio", "<=", 1.0, "and the Sinkhorn runs learn the transitions: their median "
                      "error within the emission claim's tolerance (3 x the largest error of 20 HMM samples of the same "
                      "size, at least 0.01; analysis.emission.agreement's rule)", ("P13",))),
        key="transition_p", across=RUNS,
        notes=("The baseline arm is trained by `hmmrnn train --loss mse` (scripts/plans/issue22.txt, lines p13-mse/*); "
               "runs written before the loss option have no loss field and are read as Sinkhorn runs. Until the "
               "baseline runs exist this claim is an ERROR naming them.", _IDENTITY)),
)

PAPER_READINGS: dict[str, Reading] = {
    "training.input-dimension": Reading(
        "paper", "converged fraction per d (the paper reports metrics grouped by input size, no convergence rate)",
        (T("converged_gain", ">", 0.0, "'higher d improves convergence', literally: d=200 converges more often than "
           "d=1 (no test)", ("P6",)),
         T("spearman_rho", ">", 0.0, "and the fraction rises with d over the four arms (Spearman's rho; NaN, a fail, "
           "when every arm converges equally)", ("P6",)))),
    "training.hidden-size": Reading(
        "paper", "median final validation loss per H, relative to H=150",
        (T("gain_large", "<=", 0.05, "'beyond 150 only marginal benefits', literally: H=200's median final loss at "
           "most 5% (the seed-to-seed range of H=150, see the strict reading) below H=150's", ("P7",)),
         T("excess_small", ">", 0.05, "and below 150 the benefit is more than marginal: H=50's median loss above "
           "H=150's by more than that margin", ("P7",)))),
    "training.sequence-length": Reading(
        "paper", "converged fraction at L=30 and at L=40 (linear:5)",
        (T("converged_gain", ">", 0.0, "'shorter sequences were used where long chains failed to converge': the "
           "shorter length converges more often (no test)", ("P10",)),)),
    "training.clipping": Reading(
        "paper", "mean loss spikes per 100 epochs with and without clipping",
        (T("spike_reduction", ">", 0.0, "'clipping stabilises training', literally: fewer loss spikes per 100 epochs "
           "with clipping than without (means; no test)", ("P11",)),)),
    "training.baseline-loss": Reading(
        "paper", "median transition-matrix error, Sinkhorn runs against baseline-loss runs",
        (T("transition_gain", ">", 0.0, "'Sinkhorn + noise-driven RNN learns the stochastic transitions', against a "
           "baseline: the Sinkhorn runs' median transition error below the baseline's (no test)", ("P13",)),)),
}
