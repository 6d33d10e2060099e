using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using PveOperator.Runtime;

namespace PveOperator.Tests.Runtime.Fakes;

/// <summary>
/// An API server's answers for one kind, enough for the controller loop: GET, merge patches of
/// metadata.finalizers with optimistic concurrency (409 on a stale resourceVersion), status patches,
/// and deletion that waits for finalizers.
/// </summary>
internal sealed class FakeEntityClient : IEntityClient<Widget>
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, Widget> objects = [];
    private long resourceVersion = 1000;

    public List<string> Patches { get; } = [];

    public List<string> StatusPatches { get; } = [];

    public int Gets { get; private set; }

    /// <summary>Runs before a patch is applied, e.g. to change the object under the writer's feet.</summary>
    public Action<Widget>? BeforePatch { get; set; }

    public Widget Put(Widget widget)
    {
        lock (gate)
        {
            widget.Metadata.ResourceVersion = (++resourceVersion).ToString();
            objects[EntityKey.Of(widget)] = Clone(widget);
            return widget;
        }
    }

    public Widget? Stored(string key)
    {
        lock (gate)
        {
            return objects.TryGetValue(key, out var widget) ? Clone(widget) : null;
        }
    }

    /// <summary>Marks for deletion; gone at once when no finalizer holds it.</summary>
    public void Delete(string key)
    {
        lock (gate)
        {
            var widget = objects[key];
            if (widget.Metadata.Finalizers is not { Count: > 0 })
            {
                objects.Remove(key);
                return;
            }

            widget.Metadata.DeletionTimestamp = DateTime.UtcNow;
            widget.Metadata.ResourceVersion = (++resourceVersion).ToString();
        }
    }

    public Task<Widget?> GetAsync(string? @namespace, string name, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            Gets++;
            return Task.FromResult(Stored(EntityKey.Create(@namespace, name)));
        }
    }

    public Task<Widget> PatchAsync(Widget entity, JsonNode mergePatch, CancellationToken cancellationToken)
    {
        var current = Stored(EntityKey.Of(entity)) ?? throw Error(HttpStatusCode.NotFound);
        BeforePatch?.Invoke(current);
        lock (gate)
        {
            Patches.Add(mergePatch.ToJsonString());
            var key = EntityKey.Of(entity);
            var stored = objects.GetValueOrDefault(key) ?? throw Error(HttpStatusCode.NotFound);
            var metadata = mergePatch["metadata"]!;
            if (metadata["resourceVersion"]?.GetValue<string>() is { } expected && expected != stored.Metadata.ResourceVersion)
            {
                throw Error(HttpStatusCode.Conflict);
            }

            if (metadata["finalizers"] is JsonArray finalizers)
            {
                stored.Metadata.Finalizers = [.. finalizers.Select(f => f!.GetValue<string>())];
            }

            stored.Metadata.ResourceVersion = (++resourceVersion).ToString();
            if (stored.Metadata.DeletionTimestamp is not null && stored.Metadata.Finalizers is not { Count: > 0 })
            {
                objects.Remove(key);
            }

            return Task.FromResult(Clone(stored));
        }
    }

    /// <summary>
    /// Applies a status patch to a stored object (new resourceVersion) and returns it as stored; an object the fake does
    /// not hold is returned as given (the status writer's tests look only at the patches).
    /// </summary>
    public Task<Widget> PatchStatusAsync(Widget entity, JsonNode mergePatch, CancellationToken cancellationToken)
    {
        lock (gate)
        {
            StatusPatches.Add(mergePatch.ToJsonString());
            var key = EntityKey.Of(entity);
            if (!objects.TryGetValue(key, out var stored))
            {
                return Task.FromResult(entity);
            }

            var patched = KubernetesJson.Deserialize<Widget>(Merge(JsonNode.Parse(KubernetesJson.Serialize(stored)), mergePatch)!.ToJsonString());
            patched.Metadata.ResourceVersion = (++resourceVersion).ToString();
            objects[key] = patched;
            if (LoseStatusAnswers)
            {
                // The write happened; its answer never reaches the client.
                throw new HttpRequestException("fake API server: connection reset after the write");
            }

            return Task.FromResult(Clone(patched));
        }
    }

    /// <summary>Status patches are applied but answered with a dropped connection.</summary>
    public bool LoseStatusAnswers { get; set; }

    /// <summary>RFC 7386.</summary>
    private static JsonNode? Merge(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch?.DeepClone();
        }

        var result = target as JsonObject ?? new JsonObject();
        foreach (var (name, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(name);
            }
            else
            {
                result[name] = Merge(result[name]?.DeepClone(), value);
            }
        }

        return result;
    }

    private static HttpOperationException Error(HttpStatusCode status) =>
        new($"fake API server: {status}") { Response = new HttpResponseMessageWrapper(new HttpResponseMessage(status), string.Empty) };

    private static Widget Clone(Widget widget) => KubernetesJson.Deserialize<Widget>(KubernetesJson.Serialize(widget));
}
