from guardian.utils import get_user_obj_perms_model
from rest_framework import serializers
from rest_framework.fields import SerializerMethodField

from blog.models import Author, Comment, Post, Tag


class AuthorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Author
        fields = ["id", "name"]


class AuthorWithCountrySerializer(serializers.ModelSerializer):
    country = serializers.StringRelatedField()

    class Meta:
        model = Author
        fields = ["id", "name", "country"]


class TagSerializer(serializers.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name"]


class CommentSerializer(serializers.ModelSerializer):
    author = AuthorSerializer()

    class Meta:
        model = Comment
        fields = ["id", "body", "author"]


class NestedPostSerializer(serializers.ModelSerializer):
    author = AuthorSerializer()
    tags = TagSerializer(many=True)

    class Meta:
        model = Post
        fields = ["id", "title", "author", "tags"]


class DeepPostSerializer(serializers.ModelSerializer):
    author = AuthorWithCountrySerializer()
    comments = CommentSerializer(many=True)

    class Meta:
        model = Post
        fields = ["id", "author", "comments"]


class SourcePostSerializer(serializers.ModelSerializer):
    author_name = serializers.CharField(source="author.name")

    class Meta:
        model = Post
        fields = ["id", "author_name"]


class SlugPostSerializer(serializers.ModelSerializer):
    tags = serializers.SlugRelatedField(many=True, read_only=True, slug_field="slug")

    class Meta:
        model = Post
        fields = ["id", "tags"]


class PkPostSerializer(serializers.ModelSerializer):
    """A single foreign key as its primary key reads the ``author_id`` column only."""
    author = serializers.PrimaryKeyRelatedField(read_only=True)
    author_ref = serializers.IntegerField(source="author_id")

    class Meta:
        model = Post
        fields = ["id", "author", "author_ref"]


class ImplicitTagsSerializer(serializers.ModelSerializer):
    class Meta:
        model = Post
        fields = ["id", "title", "author", "tags"]


class DepthSerializer(serializers.ModelSerializer):
    class Meta:
        model = Post
        fields = ["id", "author"]
        depth = 1


class CountingSerializer(serializers.ModelSerializer):
    comment_count = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "comment_count"]

    def get_comment_count(self, obj):
        return obj.comments.count()


class LabelSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()
    loud = serializers.SerializerMethodField()
    author_key = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "label", "loud", "author_key"]

    def get_label(self, obj):
        return obj.author_label

    def get_loud(self, obj):
        return obj.shout()

    def get_author_key(self, obj):
        return obj.author_id


class QueryingSerializer(serializers.ModelSerializer):
    latest = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "latest"]

    def get_latest(self, obj):
        return Comment.objects.filter(post=obj).order_by("-id").values_list("body", flat=True).first()


class FlatSerializer(serializers.ModelSerializer):
    class Meta:
        model = Post
        fields = ["id", "title", "author"]


class ReadOnlyMethodField(SerializerMethodField):
    """A project field on the framework's method field."""


class CommentAuthorSerializer(serializers.ModelSerializer):
    author_name = ReadOnlyMethodField()

    class Meta:
        model = Comment
        fields = ["id", "author_name"]

    def get_author_name(self, obj):
        return obj.author_display


class PostCommentsSerializer(serializers.ModelSerializer):
    comments = CommentAuthorSerializer(many=True, read_only=True)

    class Meta:
        model = Post
        fields = ["id", "comments"]


class PropertySerializer(serializers.ModelSerializer):
    label = serializers.CharField(source="author_label", read_only=True)

    class Meta:
        model = Post
        fields = ["id", "label"]


class OriginalSerializer(serializers.ModelSerializer):
    original_title = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "original_title"]

    def get_original_title(self, obj):
        source = obj if obj.original_id is None else obj.original
        return source.title


class LatestCommentsList(serializers.ListSerializer):
    def to_representation(self, data):
        self.child.context["latest"] = dict(Comment.objects.values_list("post_id", "body"))
        return super().to_representation(data)


class BatchedSerializer(serializers.ModelSerializer):
    latest = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "latest"]
        list_serializer_class = LatestCommentsList

    def get_latest(self, obj):
        latest = self.context.get("latest")
        if latest is None:
            return Comment.objects.filter(post=obj).values_list("body", flat=True).first()
        return latest.get(obj.id)


class SharedSerializer(serializers.ModelSerializer):
    shared = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "shared"]

    def get_shared(self, obj):
        permissions = get_user_obj_perms_model()
        return permissions.objects.filter(object_pk=obj.pk).exists()
