using System.Text.Json.Nodes;
using PveOperator.Runtime;
using PveOperator.Tests.Runtime.Fakes;

namespace PveOperator.Tests.Runtime;

public sealed class StatusWriterTests
{
    private readonly FakeEntityClient client = new();
    private readonly StatusWriter<Widget> writer;

    public StatusWriterTests()
    {
        writer = new StatusWriter<Widget>(client);
    }

    [Fact]
    public async Task Writes_the_whole_status_as_a_merge_patch()
    {
        var widget = Widget.Named("a");

        await writer.PatchStatusAsync(widget, new WidgetStatus { Phase = "Ready", Messages = ["x", "y"] }, CancellationToken.None);

        Assert.Equal("""{"status":{"phase":"Ready","messages":["x","y"]}}""", Assert.Single(client.StatusPatches));
    }

    [Fact]
    public async Task Fields_the_new_status_drops_are_sent_as_null()
    {
        var widget = Widget.Named("a");
        widget.Status = new WidgetStatus { Phase = "Pending", ObservedSize = 3, Messages = ["old"] };

        await writer.PatchStatusAsync(widget, new WidgetStatus { Phase = "Ready" }, CancellationToken.None);

        Assert.Equal("""{"status":{"phase":"Ready","observedSize":null,"messages":null}}""", Assert.Single(client.StatusPatches));
    }

    [Fact]
    public async Task An_equal_status_is_not_written()
    {
        var widget = Widget.Named("a");
        widget.Status = new WidgetStatus { Phase = "Ready", Messages = ["m"] };

        var written = await writer.PatchStatusIfChangedAsync(
            widget, new WidgetStatus { Phase = "Ready", Messages = ["m"] }, CancellationToken.None);

        Assert.False(written);
        Assert.Empty(client.StatusPatches);
    }

    [Theory]
    [InlineData("Ready", 1, "m")]
    [InlineData("Pending", 2, "m")]
    [InlineData("Pending", 1, "other")]
    [InlineData("Pending", null, "m")]
    public async Task Any_difference_is_written(string phase, int? observedSize, string message)
    {
        var widget = Widget.Named("a");
        widget.Status = new WidgetStatus { Phase = "Pending", ObservedSize = 1, Messages = ["m"] };

        var written = await writer.PatchStatusIfChangedAsync(
            widget, new WidgetStatus { Phase = phase, ObservedSize = observedSize, Messages = [message] }, CancellationToken.None);

        Assert.True(written);
        Assert.Single(client.StatusPatches);
    }

    [Fact]
    public async Task A_first_status_is_written()
    {
        var written = await writer.PatchStatusIfChangedAsync(Widget.Named("a"), new WidgetStatus(), CancellationToken.None);

        Assert.True(written);
        Assert.Equal("""{"status":{}}""", Assert.Single(client.StatusPatches));
    }

    [Fact]
    public void List_order_counts_as_a_change()
    {
        var widget = Widget.Named("a");
        widget.Status = new WidgetStatus { Messages = ["a", "b"] };

        Assert.True(StatusJson.HasChanged(widget, new WidgetStatus { Messages = ["b", "a"] }));
        Assert.False(StatusJson.HasChanged(widget, new WidgetStatus { Messages = ["a", "b"] }));
    }

    [Fact]
    public void Merge_patch_recurses_into_objects_and_replaces_arrays()
    {
        var original = JsonNode.Parse("""{"a":{"keep":1,"drop":2},"list":[1,2],"gone":true}""");
        var modified = JsonNode.Parse("""{"a":{"keep":3},"list":[2]}""");

        var patch = JsonMergePatch.Create(original, modified);

        Assert.Equal("""{"a":{"keep":3,"drop":null},"list":[2],"gone":null}""", patch!.ToJsonString());
    }
}
