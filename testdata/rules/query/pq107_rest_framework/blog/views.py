from django.db.models import Prefetch
from rest_framework import generics, mixins, viewsets

from blog.models import Comment, Post
from blog.serializers import (
    BatchedSerializer, CountingSerializer, DeepPostSerializer, DepthSerializer, FlatSerializer, ImplicitTagsSerializer,
    LabelSerializer, NestedPostSerializer, OriginalSerializer, PkPostSerializer, PostCommentsSerializer,
    PropertySerializer, QueryingSerializer, SharedSerializer, SlugPostSerializer, SourcePostSerializer,
)


class NestedViewSet(viewsets.ModelViewSet):
    queryset = Post.objects.all()  # PQ107[HIGH]: 16 "NestedPostSerializer.author (AuthorSerializer)"
    serializer_class = NestedPostSerializer


class NestedLoadedViewSet(viewsets.ModelViewSet):
    queryset = Post.objects.select_related("author").prefetch_related("tags")  # ok: PQ107
    serializer_class = NestedPostSerializer


class NestedHalfLoaded(generics.ListAPIView):
    queryset = Post.objects.select_related("author")  # PQ107[HIGH]: 16 "prefetch_related('tags')"
    serializer_class = NestedPostSerializer


class DeepView(generics.ListAPIView):
    serializer_class = DeepPostSerializer

    def get_queryset(self):
        return Post.objects.select_related("author").prefetch_related("comments")  # PQ107[HIGH]: 16 "country"


class DeepLoadedView(generics.ListAPIView):
    serializer_class = DeepPostSerializer

    def get_queryset(self):
        return Post.objects.select_related("author__country").prefetch_related(  # ok: PQ107
            Prefetch("comments", queryset=Comment.objects.select_related("author")))


class SourceView(generics.ListCreateAPIView):
    queryset = Post.objects.filter(title__isnull=False)  # PQ107[HIGH]: 16 "source='author.name'"
    serializer_class = SourcePostSerializer


class SlugViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Post.objects.all()  # PQ107[HIGH]: 16 "SlugRelatedField"
    serializer_class = SlugPostSerializer


class PkViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Post.objects.all()  # ok: PQ107
    serializer_class = PkPostSerializer


class FlatViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Post.objects.all()  # ok: PQ107
    serializer_class = FlatSerializer


class ImplicitViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    queryset = Post.objects.all()  # PQ107[HIGH]: 16 "Meta.fields"
    serializer_class = ImplicitTagsSerializer


class DepthViewSet(viewsets.ModelViewSet):
    queryset = Post.objects.all()  # PQ107[HIGH]: 16 "Meta.depth"
    serializer_class = DepthSerializer


class CountingViewSet(viewsets.ModelViewSet):
    queryset = Post.objects.all()  # PQ107[HIGH]: 16 "get_comment_count -> obj.comments"
    serializer_class = CountingSerializer


class CountingPrefetched(viewsets.ModelViewSet):
    queryset = Post.objects.prefetch_related("comments")  # ok: PQ107
    serializer_class = CountingSerializer


class LabelViewSet(viewsets.ModelViewSet):
    queryset = Post.objects.all()  # PQ107[HIGH]: 16 "obj.author_label"
    serializer_class = LabelSerializer


class LabelLoaded(viewsets.ModelViewSet):
    queryset = Post.objects.select_related("author")  # ok: PQ107
    serializer_class = LabelSerializer


class QueryingViewSet(viewsets.ModelViewSet):
    queryset = Post.objects.select_related("author")  # PQ107[HIGH]: 16 "get_latest"
    serializer_class = QueryingSerializer


class RetrieveOnly(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    queryset = Post.objects.all()  # ok: PQ107
    serializer_class = NestedPostSerializer


class RetrieveView(generics.RetrieveAPIView):
    queryset = Post.objects.all()  # ok: PQ107
    serializer_class = NestedPostSerializer


class PerActionViewSet(viewsets.ModelViewSet):
    queryset = Post.objects.all()  # PQ107[HIGH]: 16 "NestedPostSerializer"

    def get_serializer_class(self):
        return NestedPostSerializer


class FilteredView(generics.ListAPIView):
    queryset = Post.objects.select_related("author").prefetch_related("tags")
    serializer_class = NestedPostSerializer

    def get_queryset(self):
        return super().get_queryset().filter(title__startswith="a")  # ok: PQ107


class ComputedPrefetch(generics.ListAPIView):
    serializer_class = NestedPostSerializer

    def get_queryset(self):
        return Post.objects.prefetch_related(*self.prefetches())  # ok: PQ107

    def prefetches(self):
        return ["tags"]


class CommentsViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Post.objects.prefetch_related("comments")  # PQ107[HIGH]: 16 "prefetch_related('comments__author')"
    serializer_class = PostCommentsSerializer


class CommentsLoadedViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Post.objects.prefetch_related(  # ok: PQ107
        Prefetch("comments", queryset=Comment.objects.select_related("author")))
    serializer_class = PostCommentsSerializer


def serializer_for(model):
    return getattr(model, "serializer")


class BriefModeViewSet(viewsets.ModelViewSet):
    queryset = Post.objects.all()  # PQ107[HIGH]: 16 "PropertySerializer.label -> author_label -> self.author"
    serializer_class = PropertySerializer
    brief = False

    def get_serializer_class(self):
        if self.brief:
            return serializer_for(self.queryset.model)
        return self.serializer_class

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.brief:
            return queryset.prefetch_related(None)
        return queryset


class PropertyLoadedViewSet(viewsets.ModelViewSet):
    queryset = Post.objects.select_related("author")  # ok: PQ107
    serializer_class = PropertySerializer


class OriginalsViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Post.objects.filter(original__isnull=True)  # ok: PQ107
    serializer_class = OriginalSerializer


class TranslationsViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Post.objects.filter(original__isnull=False)  # PQ107[HIGH]: 16 "obj.original"
    serializer_class = OriginalSerializer


class BatchedViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Post.objects.all()  # ok: PQ107
    serializer_class = BatchedSerializer


class SharedViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Post.objects.all()  # PQ107[HIGH]: 16 "get_shared -> permissions.objects.filter"
    serializer_class = SharedSerializer


NESTED_PREFETCHES = ["tags"]


def prefetches_for(serializer_class):
    return [name for name in ("author", "tags") if name in serializer_class.Meta.fields]


class StarredListViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Post.objects.select_related("author").prefetch_related(*NESTED_PREFETCHES)  # ok: PQ107
    serializer_class = NestedPostSerializer


class DynamicPrefetchViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Post.objects.all()  # ok: PQ107
    serializer_class = NestedPostSerializer

    def get_queryset(self):
        queryset = super().get_queryset()
        if prefetch := prefetches_for(self.get_serializer_class()):
            queryset = queryset.prefetch_related(*prefetch)
        return queryset
