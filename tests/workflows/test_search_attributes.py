"""The search attributes are declared once (``domain.search_attributes``: name and
index type) and typed for the SDK on each side of the layers: the workflows set the
keys of ``workflows.search_attributes``, the API reads and the worker registers those
of ``relais.search_attributes``. Both sides give the same key for every attribute."""

from domain import search_attributes as declared
from relais import search_attributes as client_side
from workflows.search_attributes import key


def test_the_workflows_and_the_client_type_every_attribute_alike() -> None:
    workflow_side = [key(attribute) for attribute in declared.ALL]
    assert workflow_side == list(client_side.ALL)
    assert [k.name for k in workflow_side] == [a.name for a in declared.ALL]


def test_the_dev_server_registers_each_attribute_under_its_index_type() -> None:
    flags = client_side.dev_server_flags()
    assert flags[::2] == ["--search-attribute"] * len(declared.ALL)
    registered = dict(flag.split("=") for flag in flags[1::2])
    assert registered == {
        "CaseId": "Keyword",
        "CaseStatus": "Keyword",
        "CaseUrgency": "Keyword",
        "CaseCategories": "KeywordList",
        "CasePlatforms": "KeywordList",
        "CasePartners": "KeywordList",
        "NextActionAt": "Datetime",
        "SlaBreached": "Bool",
        "CallbackOverdue": "Bool",
        "NoticeStatus": "Keyword",
        "ReferralStatus": "Keyword",
        "ConversationStatus": "Keyword",
        "ConversationChannel": "Keyword",
        "WaitingSince": "Datetime",
        "CounsellorId": "Keyword",
        "Helpline": "Keyword",
    }
    # The names the CLI takes are the ones the SDK's keys are indexed under.
    for k in client_side.ALL:
        assert registered[k.name].upper() == k.indexed_value_type.name.replace("_", "")
