using PveOperator.Runtime;
using PveOperator.Tests.Runtime.Fakes;

namespace PveOperator.Tests.Runtime;

/// <summary>The read-your-writes record: what a reconcile decides on while the cache is behind the operator's own writes.</summary>
public sealed class OwnWritesTests
{
    private const string Key = "default/a";

    private readonly EntityCache<Widget> cache = new();
    private readonly OwnWrites<Widget> ownWrites;

    public OwnWritesTests()
    {
        ownWrites = new OwnWrites<Widget>(cache);
    }

    [Fact]
    public void Without_a_write_the_cache_copy_is_read()
    {
        cache.Upsert(Version(10, "cached"));

        var read = ownWrites.Read(Key);

        Assert.Equal("cached", read.Entity!.Status!.Phase);
        Assert.False(read.FromOwnWrite);
        Assert.False(read.NeedsFreshRead);
    }

    [Fact]
    public void A_write_newer_than_the_cache_is_read_instead_of_the_cache()
    {
        cache.Upsert(Version(10, "before"));

        ownWrites.Record(Version(11, "written"));

        var read = ownWrites.Read(Key);
        Assert.True(read.FromOwnWrite);
        Assert.Equal("written", read.Entity!.Status!.Phase);
        Assert.Equal("11", read.Entity.Metadata.ResourceVersion);
    }

    [Fact]
    public void The_event_of_the_write_itself_drops_the_record()
    {
        cache.Upsert(Version(10, "before"));
        ownWrites.Record(Version(11, "written"));

        Deliver(Version(11, "written"));

        Assert.Equal(0, ownWrites.Count);
        var read = ownWrites.Read(Key);
        Assert.False(read.FromOwnWrite);
        Assert.Equal("11", read.Entity!.Metadata.ResourceVersion);
    }

    [Fact]
    public void A_later_event_drops_the_record_and_its_newer_object_is_read()
    {
        cache.Upsert(Version(10, "before"));
        ownWrites.Record(Version(11, "written"));

        Deliver(Version(15, "someone else's"));

        Assert.Equal(0, ownWrites.Count);
        Assert.Equal("someone else's", ownWrites.Read(Key).Entity!.Status!.Phase);
    }

    [Fact]
    public void An_older_event_arriving_after_the_write_keeps_the_record()
    {
        cache.Upsert(Version(10, "before"));
        ownWrites.Record(Version(12, "written"));

        // An event from before our write, still on its way when the write's answer came.
        Deliver(Version(11, "in between"));

        Assert.Equal(1, ownWrites.Count);
        Assert.Equal("written", ownWrites.Read(Key).Entity!.Status!.Phase);
    }

    [Fact]
    public void A_write_the_cache_already_caught_up_with_is_not_kept()
    {
        cache.Upsert(Version(11, "written"));

        ownWrites.Record(Version(11, "written"));

        Assert.Equal(0, ownWrites.Count);
    }

    [Fact]
    public void A_write_of_an_object_the_cache_saw_deleted_is_not_kept()
    {
        // The deletion event was handled before the answer to our write was recorded: nothing would drop the entry.
        ownWrites.Record(Version(11, "written"));

        Assert.Equal(0, ownWrites.Count);
        Assert.Null(ownWrites.Read(Key).Entity);
    }

    [Fact]
    public void Of_two_writes_the_newer_is_kept_whatever_the_order_their_answers_are_recorded_in()
    {
        cache.Upsert(Version(10, "before"));

        ownWrites.Record(Version(13, "second"));
        ownWrites.Record(Version(12, "first"));

        Assert.Equal("second", ownWrites.Read(Key).Entity!.Status!.Phase);
    }

    [Fact]
    public void Deletion_drops_the_record_and_the_object_reads_as_gone()
    {
        var cached = cache.Upsert(Version(10, "before")) ?? Version(10, "before");
        ownWrites.Record(Version(11, "written"));

        cache.Remove(Key);
        ownWrites.Observe(new EntityEvent<Widget>(EntityEventType.Deleted, cached));

        Assert.Equal(0, ownWrites.Count);
        Assert.Null(ownWrites.Read(Key).Entity);
    }

    [Fact]
    public void A_record_whose_object_left_the_cache_unseen_reads_as_gone_and_is_dropped()
    {
        cache.Upsert(Version(10, "before"));
        ownWrites.Record(Version(11, "written"));

        cache.Remove(Key);

        Assert.Null(ownWrites.Read(Key).Entity);
        Assert.Equal(0, ownWrites.Count);
    }

    [Fact]
    public void A_recreated_object_in_the_cache_is_newer_than_a_write_of_its_predecessor()
    {
        cache.Upsert(Version(10, "old"));
        ownWrites.Record(Version(11, "old, written"));

        Deliver(Version(20, "new incarnation"));

        Assert.Equal("new incarnation", ownWrites.Read(Key).Entity!.Status!.Phase);
    }

    [Fact]
    public void A_write_without_an_answer_makes_the_next_read_a_fresh_one_until_it_is_done()
    {
        cache.Upsert(Version(10, "before"));
        ownWrites.MarkUncertain(Key);

        // Events say nothing about whether our write happened.
        Deliver(Version(11, "maybe ours"));
        Assert.True(ownWrites.Read(Key).NeedsFreshRead);

        ownWrites.RecordFreshRead(Key, Version(12, "fresh"));

        var read = ownWrites.Read(Key);
        Assert.False(read.NeedsFreshRead);
        Assert.Equal("fresh", read.Entity!.Status!.Phase);
    }

    [Fact]
    public void A_fresh_read_that_finds_nothing_ends_the_uncertainty()
    {
        cache.Upsert(Version(10, "before"));
        ownWrites.MarkUncertain(Key);

        ownWrites.RecordFreshRead(Key, null);

        Assert.False(ownWrites.Read(Key).NeedsFreshRead);
        Assert.Equal(0, ownWrites.Count);
    }

    [Fact]
    public void The_record_is_a_copy_the_writer_cannot_change_afterwards()
    {
        cache.Upsert(Version(10, "before"));
        var answer = Version(11, "written");
        ownWrites.Record(answer);

        answer.Status!.Phase = "changed by the reconciler";

        Assert.Equal("written", ownWrites.Read(Key).Entity!.Status!.Phase);
    }

    [Theory]
    [InlineData("11", "11", true)]
    [InlineData("12", "11", true)]
    [InlineData("9", "11", false)]
    [InlineData("100", "99", true)]
    [InlineData("abc", "abc", true)]
    [InlineData("abd", "abc", false)]
    public void ResourceVersions_compare_as_etcd_revisions_and_unknown_ones_only_by_equality(string candidate, string reference, bool atLeast)
    {
        Assert.Equal(atLeast, OwnWrites<Widget>.IsAtLeast(WithVersion(candidate), WithVersion(reference)));
    }

    private static Widget WithVersion(string resourceVersion)
    {
        var widget = Widget.Named("a");
        widget.Metadata.ResourceVersion = resourceVersion;
        return widget;
    }

    private static Widget Version(long resourceVersion, string phase)
    {
        var widget = WithVersion(resourceVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
        widget.Status = new WidgetStatus { Phase = phase };
        return widget;
    }

    /// <summary>What the informer does with a watch event: the cache first, then the record.</summary>
    private void Deliver(Widget widget)
    {
        var previous = cache.Upsert(widget);
        ownWrites.Observe(new EntityEvent<Widget>(EntityEventType.Modified, widget, previous));
    }
}
