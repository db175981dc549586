from typing import NewType

from sqlalchemy.ext.asyncio import AsyncSession as _AsyncSession

AsyncReadSession = NewType("AsyncReadSession", _AsyncSession)
AsyncSession = NewType("AsyncSession", AsyncReadSession)
