"""Session-state keys, in one place, so pages and tests never spell a key twice.

Widget keys are constants too: tests find widgets by these keys (``at.button(key=...)``).
"""

from __future__ import annotations


def per(key: str, item_id: str) -> str:
    """The key of a widget that edits one item: a fresh widget (and value) for every item."""
    return f"{key}:{item_id}"


# -- session ----------------------------------------------------------------------------------
USERNAME = "dermkg_username"  # the logged-in local user (set only by a successful login)
CONTEXT = "dermkg_context"  # the session's StudioContext (studio.components.session), dropped at logout
FLASH = "dermkg_flash"  # (level, message) shown once at the top of the next run
DIAGNOSIS = "dermkg_diagnosis"  # diagnosis id the Diagnosis / Graph pages show
QUEUE_PAGE = "dermkg_queue_page"  # 0-based page number of the review queue

# -- login ------------------------------------------------------------------------------------
LOGIN_USER = "login_username"
LOGIN_PASSWORD = "login_password"
LOGIN_SUBMIT = "login_submit"
LOGIN_OIDC = "login_oidc"
LOGOUT = "logout"

# -- review queue -----------------------------------------------------------------------------
Q_MODE = "queue_mode"  # "Proposed" or "Disagreements"
Q_KIND = "queue_kind"
Q_STATUS = "queue_status"
Q_ORIGIN = "queue_origin"
Q_SOURCE = "queue_source"
Q_DIAGNOSIS = "queue_diagnosis"
Q_MIN_SCORE = "queue_min_score"
Q_ORDER = "queue_order"
Q_PAGE_SIZE = "queue_page_size"
Q_PREV = "queue_prev"
Q_NEXT = "queue_next"
Q_ITEM = "queue_item"
Q_URL_ITEM = "queue_url_item"  # the item a deep link asks for, until its page is known
Q_URL_READ = "queue_url_read"  # the address was read once this session
Q_ACCEPT = "queue_accept"
Q_REJECT = "queue_reject"
Q_REASON = "queue_reason"
Q_EDIT_KIND = "queue_edit_kind"
Q_EDIT_OBJECT = "queue_edit_object"
Q_EDIT_RELATION = "queue_edit_relation"  # typical / possible / against, finding items only
Q_EDIT = "queue_edit"
Q_COMMENT_TEXT = "queue_comment_text"
Q_COMMENT = "queue_comment"
Q_MERGE_DROP = "queue_merge_drop"  # the survivor of a merge (radio)
Q_MERGE_CONFIRM = "queue_merge_confirm"
Q_MERGE = "queue_merge"
Q_MERGE_OPEN = "queue_merge_open"  # + item id: the merge panel is open (its preview reads the store)
# keyboard review and bulk decisions (studio/components/review_keys.py)
Q_EDIT_OPEN = "queue_edit_open"
Q_SKIP = "queue_skip"
Q_ITEM_NEXT = "queue_item_next"
Q_ITEM_PREV = "queue_item_prev"
Q_OPEN_PAGE = "queue_open_page"
Q_UNDO = "queue_undo"
Q_MARK = "queue_mark"
Q_BULK_REASON = "queue_bulk_reason"
Q_BULK_ACCEPT = "queue_bulk_accept"
Q_BULK_REJECT = "queue_bulk_reject"
Q_BULK_CLEAR = "queue_bulk_clear"
Q_TABLE = "queue_table"  # + a generation number: a new table (and selection) after a bulk decision
Q_TABLE_GEN = "queue_table_gen"
Q_POS = "queue_pos"  # the open item's place on its page: after a decision the next one opens there
Q_UNDO_STACK = "queue_undo_stack"  # this session's decisions, as lists of event ids, newest last
Q_REJECT_PENDING = "queue_reject_pending"  # X pressed without a reason: Enter in the reason rejects
Q_EDITING = "queue_editing"  # the item whose edit panel is open
Q_MARKED = "queue_marked"  # item ids marked for a bulk decision
Q_FOCUS = "queue_focus"  # the widget key the next render puts the cursor in
Q_FOCUS_SEQ = "queue_focus_seq"

# -- diagnosis page ---------------------------------------------------------------------------
D_PICK = "dx_pick"
D_SYNONYMS = "dx_synonyms"
D_MALIGNANCY = "dx_malignancy"
D_SAVE = "dx_save"
D_PARENT = "dx_parent"
D_SET_PARENT = "dx_set_parent"

# -- graph page -------------------------------------------------------------------------------
G_PICK = "graph_pick"
G_DEPTH = "graph_depth"
G_PROPOSED = "graph_proposed"

# -- cases ------------------------------------------------------------------------------------
C_DIAGNOSIS = "cases_diagnosis"
C_STATUS = "cases_status"
C_PAGE = "cases_page"
C_ACCEPT = "case_accept_"  # + case id
C_EXCLUDE = "case_exclude_"  # + case id
C_RELABEL_TO = "case_relabel_to_"  # + case id
C_RELABEL = "case_relabel_"  # + case id

# -- duplicates / proposed diagnoses / presentations / progress (issue 15.3, 15.7, 14.3) -----
DUP_PICK = "dup_pick"  # the open pair (its id)
DUP_KEEP = "dup_keep"  # the survivor (radio), + pair id
DUP_REASON = "dup_reason"  # + pair id
DUP_CONFIRM = "dup_confirm"  # + pair id
DUP_MERGE = "dup_merge"  # + pair id
DUP_DISMISS = "dup_dismiss"  # + pair id
PD_PICK = "proposed_pick"
PD_REASON = "proposed_reason"  # + diagnosis id
PD_ACCEPT = "proposed_accept"  # + diagnosis id
PD_REJECT = "proposed_reject"  # + diagnosis id
PD_INTO = "proposed_into"  # the diagnosis to merge into, + diagnosis id
PD_CONFIRM = "proposed_confirm"  # + diagnosis id
PD_MERGE = "proposed_merge"  # + diagnosis id
PR_PICK = "presentation_pick"
PR_PAIRS = "presentation_pairs"  # the pair table with its selection, + presentation id
PR_NOTE = "presentation_note"  # + presentation id
PR_ACCEPT_PAIRS = "presentation_accept_pairs"  # + presentation id
PR_MEMBER = "presentation_member"  # + presentation id
PR_MEMBER_REASON = "presentation_member_reason"  # + presentation id
PR_MEMBER_ACCEPT = "presentation_member_accept"  # + presentation id
PR_MEMBER_REJECT = "presentation_member_reject"  # + presentation id
PR_NODE_REASON = "presentation_node_reason"  # + presentation id: the presentation's own review
PR_NODE_ACCEPT = "presentation_node_accept"  # + presentation id
PR_NODE_REJECT = "presentation_node_reject"  # + presentation id

# -- history ----------------------------------------------------------------------------------
H_USER = "history_user"
H_ACTION = "history_action"
H_SINCE = "history_since"
H_UNTIL = "history_until"
H_PAGE = "history_page"
H_EVENT = "history_event"
H_REVERT_REASON = "history_revert_reason"
H_REVERT = "history_revert"

# -- ingest / exports / label studio / users --------------------------------------------------
I_UPLOAD = "ingest_upload"
I_RUN = "ingest_run"
E_RUN = "exports_run"
E_DIR = "exports_dir"
LS_PUSH = "labelstudio_push"
LS_PULL = "labelstudio_pull"
LS_SYNC = "labelstudio_sync"
U_NAME = "users_name"
U_ROLE = "users_role"
U_PASSWORD = "users_password"
U_SAVE = "users_save"
U_TARGET = "users_target"  # the account the admin acts on
U_DISABLE = "users_disable"
U_ENABLE = "users_enable"
U_UNLOCK = "users_unlock"
U_RESET_PASSWORD = "users_reset_password"
U_RESET = "users_reset"
