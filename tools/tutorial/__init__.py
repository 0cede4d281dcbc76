"""The tutorial's builder (``docs/tutorial.md``), one module per question.

- ``steps``: the ``rumahan`` commands of the study, at full and reduced size, and how they run;
- ``q1_network`` ... ``q5_sensitivity``: each question's typed results (a frozen dataclass),
  ``analyse`` (output folders to results, and the figure) and ``placeholders`` (results to the
  template's values, in one place);
- ``claims``: the statements of the text, checked on the typed results;
- ``text``, ``intervals``, ``figures``: how numbers, intervals and figures are written;
- ``build``: runs the study and renders ``docs/tutorial.template.md``
  (``python -m tools.tutorial [--quick]``, ``make tutorial``).
"""
