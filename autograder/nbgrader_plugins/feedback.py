"""Feedback for students: hidden test code never shown, pages written in one pass."""

from __future__ import annotations

import re

from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter
from nbgrader.preprocessors import ClearHiddenTests

from autograder.notebook import TEST, role

#: What nbconvert writes as an image's ``alt`` text when the output has none.
NO_ALT = "No description has been provided for this image"
IMAGE_WITHOUT_ALT = re.compile(r"<img(?![^>]*\salt=)")


class RedactHiddenTests(ClearHiddenTests):
    """Remove hidden test code from test cells and cut tracebacks down to their message.

    A traceback would print the lines of the hidden check that failed; the student
    sees ``AssertionError: expected shape (2, 2), got (3, 3): ...`` instead.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        cell, resources = super().preprocess_cell(cell, resources, cell_index)
        if role(cell) == TEST:
            for output in cell.get("outputs", []):
                if output.get("output_type") == "error":
                    output["traceback"] = [f"{output.get('ename')}: {output.get('evalue')}"]
        return cell, resources


class FeedbackExporter(HTMLExporter):
    """nbconvert's HTML exporter without its second pass over the finished page.

    ``HTMLExporter`` renders a page, then parses all of it again (BeautifulSoup) to add
    ``tabindex`` to classes of the JupyterLab template, which nbgrader's feedback template
    (the classic one) does not have, and a placeholder ``alt`` to images without one: a
    third of a feedback page's time. This exporter renders the page the same way and adds
    the same placeholder with one substitution.
    """

    def from_notebook_node(self, nb, resources=None, **kw):
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name"))
        highlight = self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)
        )
        self.register_filter("highlight_code", highlight)
        resources = self._init_resources(resources)
        data_types = WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources
        )
        self.register_filter("filter_data_type", data_types)
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return IMAGE_WITHOUT_ALT.sub(f'<img alt="{NO_ALT}"', html), resources
