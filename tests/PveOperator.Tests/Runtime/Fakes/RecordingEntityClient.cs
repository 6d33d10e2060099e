using System.Text.Json.Nodes;
using PveOperator.Runtime;

namespace PveOperator.Tests.Runtime.Fakes;

/// <summary>Records patches; GET answers from a dictionary the test fills.</summary>
internal sealed class RecordingEntityClient : IEntityClient<Widget>
{
    public Dictionary<string, Widget> Objects { get; } = [];

    public List<string> Patches { get; } = [];

    public List<string> StatusPatches { get; } = [];

    public Func<Widget, JsonNode, Widget>? OnPatch { get; set; }

    public Task<Widget?> GetAsync(string? @namespace, string name, CancellationToken cancellationToken) =>
        Task.FromResult(Objects.GetValueOrDefault(EntityKey.Create(@namespace, name)));

    public Task<Widget> PatchAsync(Widget entity, JsonNode mergePatch, CancellationToken cancellationToken)
    {
        Patches.Add(mergePatch.ToJsonString());
        return Task.FromResult(OnPatch?.Invoke(entity, mergePatch) ?? entity);
    }

    public Task<Widget> PatchStatusAsync(Widget entity, JsonNode mergePatch, CancellationToken cancellationToken)
    {
        StatusPatches.Add(mergePatch.ToJsonString());
        return Task.FromResult(entity);
    }
}
