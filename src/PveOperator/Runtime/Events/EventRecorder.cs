using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace PveOperator.Runtime;

/// <summary>
/// Writes core/v1 Events. An event about a namespaced object lives in that namespace; one about a
/// cluster-scoped object lives in <c>default</c> with an empty involvedObject.namespace, the only
/// combination every API server version accepts (events.k8s.io/v1 is refused there by 1.20).
/// Repeats of a recent identical event raise its count and lastTimestamp instead of adding events.
/// </summary>
internal sealed partial class EventRecorder(
    IKubernetes client,
    ILogger<EventRecorder> logger,
    EventRecorderOptions? options = null,
    TimeProvider? timeProvider = null) : IEventRecorder
{
    private const string NamespaceForClusterScopedObjects = "default";
    private const int MaxMessageLength = 1024;
    private const int MaxNameLength = 253;

    private readonly EventRecorderOptions settings = options ?? new EventRecorderOptions();
    private readonly TimeProvider clock = timeProvider ?? TimeProvider.System;
    private readonly EventAggregator aggregator = CreateAggregator(options ?? new EventRecorderOptions());
    private long lastNameStamp;

    public async Task RecordAsync(
        IKubernetesObject<V1ObjectMeta> regarding,
        EventType type,
        string reason,
        string message,
        CancellationToken cancellationToken = default)
    {
        try
        {
            await WriteAsync(regarding, type, reason, Truncate(message), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            LogEventFailed(exception, type, reason, regarding.Metadata?.Name, message);
        }
    }

    private static EventAggregator CreateAggregator(EventRecorderOptions options) =>
        new(options.MaxTrackedEvents, options.AggregationWindow);

    private static string Truncate(string message) =>
        message.Length <= MaxMessageLength ? message : string.Concat(message.AsSpan(0, MaxMessageLength - 3), "...");

    private static string Timestamp(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private async Task WriteAsync(
        IKubernetesObject<V1ObjectMeta> regarding, EventType type, string reason, string message, CancellationToken cancellationToken)
    {
        var reference = ReferenceTo(regarding);
        var eventNamespace = string.IsNullOrEmpty(reference.NamespaceProperty) ? NamespaceForClusterScopedObjects : reference.NamespaceProperty;
        var identity = new EventIdentity(
            reference.Uid ?? string.Empty, reference.Kind, reference.NamespaceProperty, reference.Name, type, reason, message);
        var now = clock.GetUtcNow();
        var aggregation = aggregator.Observe(identity, now, NewEventName(reference.Name, now));

        if (!aggregation.IsNew)
        {
            try
            {
                var patch = new JsonObject { ["count"] = aggregation.Count, ["lastTimestamp"] = Timestamp(now) };
                await client.CoreV1.PatchNamespacedEventAsync(
                    new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch), aggregation.EventName, eventNamespace,
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (Exception exception) when (ApiErrors.IsNotFound(exception))
            {
                // The event expired (events have a TTL): start a new one.
                aggregator.Forget(identity, aggregation.EventName);
                aggregation = aggregator.Observe(identity, now, NewEventName(reference.Name, now));
            }
        }

        var created = new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = aggregation.EventName, NamespaceProperty = eventNamespace },
            InvolvedObject = reference,
            Type = type.ToString(),
            Reason = reason,
            Message = message,
            Count = aggregation.Count,
            FirstTimestamp = aggregation.FirstSeen.UtcDateTime,
            LastTimestamp = now.UtcDateTime,
            Source = new V1EventSource { Component = settings.Component, Host = settings.Instance },
            ReportingComponent = settings.Component,
            ReportingInstance = settings.Instance,
        };
        try
        {
            await client.CoreV1.CreateNamespacedEventAsync(created, eventNamespace, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
        }
        catch
        {
            aggregator.Forget(identity, aggregation.EventName);
            throw;
        }
    }

    private static V1ObjectReference ReferenceTo(IKubernetesObject<V1ObjectMeta> regarding)
    {
        // Objects fresh from the API server carry apiVersion and kind; fall back to the type's attribute.
        var apiVersion = regarding.ApiVersion;
        var kind = regarding.Kind;
        if (string.IsNullOrEmpty(apiVersion) || string.IsNullOrEmpty(kind))
        {
            var metadata = EntityMetadata.For(regarding.GetType());
            apiVersion = metadata.ApiVersion;
            kind = metadata.Kind;
        }

        return new V1ObjectReference
        {
            ApiVersion = apiVersion,
            Kind = kind,
            Name = regarding.Metadata?.Name ?? throw new ArgumentException("The object has no metadata.name.", nameof(regarding)),
            NamespaceProperty = string.IsNullOrEmpty(regarding.Metadata.NamespaceProperty) ? null : regarding.Metadata.NamespaceProperty,
            Uid = regarding.Metadata.Uid,
            ResourceVersion = regarding.Metadata.ResourceVersion,
        };
    }

    /// <summary>client-go's naming: the object's name, a dot, a hex timestamp (unique per recorder).</summary>
    private string NewEventName(string objectName, DateTimeOffset now)
    {
        var stamp = (now.ToUnixTimeMilliseconds() * 1_000_000) + (now.Ticks % TimeSpan.TicksPerMillisecond * 100);
        long previous;
        long next;
        do
        {
            previous = Interlocked.Read(ref lastNameStamp);
            next = Math.Max(stamp, previous + 1);
        }
        while (Interlocked.CompareExchange(ref lastNameStamp, next, previous) != previous);

        var suffix = "." + next.ToString("x", CultureInfo.InvariantCulture);
        var prefix = objectName.Length + suffix.Length > MaxNameLength ? objectName[..(MaxNameLength - suffix.Length)] : objectName;
        return prefix + suffix;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not record {Type} event {Reason} about {Name}: {EventMessage}")]
    private partial void LogEventFailed(Exception exception, EventType type, string reason, string? name, string eventMessage);
}
