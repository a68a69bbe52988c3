"""Page images of a document's file, rendered once and served from the disk cache."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse

from review_ui.auth import CurrentUser
from review_ui.database import DbSession
from review_ui.page_image_cache import PageImageError
from review_ui.routes.documents import load_view
from review_ui.source_files import resolve_source

router = APIRouter()


@router.get("/documents/{document_id}/pages/{page}.png")
def page_image(request: Request, document_id: int, page: int, user: CurrentUser, db: DbSession):
    view = load_view(db, document_id)
    db.commit()  # nothing to write; free the connection before the (slow, first-time) render
    source = resolve_source(view.source_keys, request.app.state.config.source_root)
    if source is None or page < 1:
        raise HTTPException(404, "No image for this page.")
    try:
        path = request.app.state.page_images.page_image(view.file_sha256, source, page)
    except PageImageError as error:
        raise HTTPException(404, "No image for this page.") from error
    return FileResponse(path, media_type="image/png")
