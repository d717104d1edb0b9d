"""The default CNN learns the shipped digits better than the MLP does: at least 97% on the test digits
with the defaults of conv runs (nnscratch.run.CONV_DEFAULTS). It trains on the real data, so it is slow."""
import pytest

from nnscratch import RunSpec, judge, record_run
from nnscratch.architecture import parse_layers

DEFAULT_CNN = "28x28,conv8:3,pool2,conv16:3,pool2,10"


@pytest.mark.slow
def test_the_default_cnn_reaches_97_percent_on_the_test_digits():
    spec = RunSpec.for_dataset("digits", layers=tuple(parse_layers(DEFAULT_CNN).tokens))
    history = record_run(spec)
    assert history.test_accuracy[-1] >= 0.97, history.metrics_words()
    assert history.test_accuracy[-1] > history.test_accuracy[0] + 0.8
    assert judge(history).learned
