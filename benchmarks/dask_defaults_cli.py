"""BENCHMARK ONLY (benchmarks/cluster_rounds.py): the command line with Dask's own settings for the local
cluster instead of ``cluster.QUIET_LOCAL_CLUSTER``, and the run sent deflated through the scheduler."""
import sys

import dask
import distributed  # noqa: F401  (its settings are Dask's once it is imported)

from scenes.output import cluster, parallel

cluster.QUIET_LOCAL_CLUSTER = {key: dask.config.get(key) for key in cluster.QUIET_LOCAL_CLUSTER}
parallel.is_local = lambda client: False

from cli import main  # noqa: E402

sys.argv[0] = "nnscratch"
main()
