"""The feedback exporter writes the page nbconvert's HTML exporter writes, in one pass."""

from __future__ import annotations

import base64
import copy

from bs4 import BeautifulSoup
from nbconvert.exporters import HTMLExporter
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder.nbgrader_plugins.feedback import NO_ALT, FeedbackExporter

PNG = base64.b64encode(bytes.fromhex("89504e470d0a1a0a")).decode()  # a PNG signature: enough


def notebook():
    plot = new_code_cell("plt.show()", execution_count=2)
    plot.outputs = [new_output("display_data", data={"image/png": PNG, "text/plain": "<Figure>"})]
    shown = new_code_cell("x", execution_count=3)
    shown.outputs = [
        new_output("execute_result", data={"text/plain": "1 < 2 & 3"}, execution_count=3)
    ]
    failed = new_code_cell("assert False", execution_count=4)
    failed.outputs = [new_output("error", ename="AssertionError", evalue="no", traceback=["x"])]
    return new_notebook(cells=[new_markdown_cell("# Title *em*"), plot, shown, failed])


def test_the_page_is_nbconverts_page_with_alt_text_on_images():
    nb = notebook()
    ours, _ = FeedbackExporter(template_name="classic").from_notebook_node(copy.deepcopy(nb))
    theirs, _ = HTMLExporter(template_name="classic").from_notebook_node(copy.deepcopy(nb))

    page, reference = BeautifulSoup(ours, "html.parser"), BeautifulSoup(theirs, "html.parser")
    assert str(page) == str(reference)  # the same document once both are parsed
    assert [img.get("alt") for img in page.find_all("img")] == [NO_ALT]
