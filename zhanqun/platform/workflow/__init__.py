"""Review before publication (信息上传审核), shared by articles and catalogue entries.

draft → submitted → published, or submitted → rejected (with a reason) back to the author;
published → withdrawn. Editors write and submit; reviewers and site admins publish, reject
and withdraw. A site may require that the reviewer is not the author. Every transition is
recorded in :class:`~zhanqun.platform.workflow.models.Transition`.
"""
