"""The variant study: the same recipe for every conv block and upsampler, several seeds."""

from inpaint.study.plan import BLOCKS, SIZES, UPSAMPLES, StudyRun, study_runs
from inpaint.study.runner import RunState, run_study

__all__ = ["BLOCKS", "SIZES", "UPSAMPLES", "RunState", "StudyRun", "run_study", "study_runs"]
