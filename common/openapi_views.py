"""The schema's view: GET /api/schema/ (drf-spectacular's, built once per process and language)."""

from __future__ import annotations

import threading

from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response


class SchemaView(SpectacularAPIView):
    """GET /api/schema/, built once per process, language and version, one build at a time.

    drf-spectacular's generation is not thread-safe (its extensions load lazily: two schema requests at once in
    one server process answered 500), and a build takes seconds; the schema only changes with the code."""

    _built: dict[tuple, dict] = {}
    _lock = threading.Lock()

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (translation.get_language(), version)
        with self._lock:
            if key not in self._built:
                generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
                self._built[key] = generator.get_schema(request=request, public=self.serve_public)
        return Response(
            data=self._built[key],
            headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'},
        )
