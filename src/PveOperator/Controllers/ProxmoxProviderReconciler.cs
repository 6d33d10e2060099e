using System.Text;
using Microsoft.Extensions.Logging;
using PveOperator.Entities;
using PveOperator.Proxmox;
using PveOperator.Runtime;

namespace PveOperator.Controllers;

/// <summary>
/// Connects to a provider's PVE cluster, keeps its node pool and cluster snapshot current every syncInterval, and
/// reports what it found (version, nodes) or why it cannot (a specific reason) in the provider's status.
/// </summary>
internal sealed partial class ProxmoxProviderReconciler(
    ProviderRegistry registry,
    IPveClientFactory clientFactory,
    ISecretReader secrets,
    IStatusWriter<V1Alpha1ProxmoxProvider> statusWriter,
    IEventRecorder events,
    EventChannel<ContainerSignal> containers,
    ContainerControllerSettings containerSettings,
    ProviderMetrics metrics,
    TimeProvider clock,
    ILogger<ProxmoxProviderReconciler> logger) : IReconciler<V1Alpha1ProxmoxProvider>
{
    public static readonly TimeSpan DefaultSyncInterval = TimeSpan.FromSeconds(30);
    public const string FinalizerName = "pve-operator.io/provider";

    /// <summary>Syncs that must fail in a row before a connected provider is reported Unreachable.</summary>
    public const int UnreachableAfterFailedSyncs = 3;

    public async Task<ReconcileResult> ReconcileAsync(V1Alpha1ProxmoxProvider provider, CancellationToken cancellationToken)
    {
        var name = provider.Metadata.Name;
        var syncInterval = DefaultSyncInterval;
        if (provider.Spec.SyncInterval is { } intervalText
            && (!DurationFormat.TryParse(intervalText, out syncInterval) || syncInterval < TimeSpan.FromSeconds(1)))
        {
            return await FailAsync(provider, Reasons.InvalidSpec,
                $"spec.syncInterval \"{intervalText}\" is not a duration of at least 1s (e.g. 30s, 1m)", DefaultSyncInterval, cancellationToken);
        }

        var settings = await BuildSettingsAsync(provider, cancellationToken);
        if (settings.Failure is { } failure)
        {
            return await FailAsync(provider, failure.Reason, failure.Message, syncInterval, cancellationToken);
        }

        var connection = ConnectionFor(name, settings.Value!);
        try
        {
            var info = connection.Client.ClusterInfo is null
                ? await connection.Client.InitializeAsync(cancellationToken)
                : await RefreshClusterInfoAsync(connection, cancellationToken);
            var resources = await connection.Client.GetClusterResourcesAsync(cancellationToken);
            var snapshot = new PveClusterSnapshot(resources, clock.GetUtcNow());
            var previous = connection.Snapshot;
            connection.Snapshot = snapshot;
            metrics.Record(name, snapshot);

            var wasReady = connection.IsReady;
            var nodeNames = string.Join(", ", info.Nodes.Select(n => n.Name));
            var message = $"connected to PVE {info.Version.Version} ({(info.IsStandalone ? "standalone node" : $"cluster {info.Name}")}), " +
                $"{info.Nodes.Count} node(s): {nodeNames}; {snapshot.Count} container(s)";
            connection.Health = new ProviderHealth(true, Reasons.Connected, message, Stalled: false);
            connection.FailedSyncsInARow = 0;

            if (!wasReady)
            {
                containers.Publish(new ContainerSignal.ProviderChanged(name));
            }
            else if (snapshot.ChangedSince(previous) is { Count: > 0 } changed)
            {
                containers.Publish(new ContainerSignal.ContainersChanged(name, changed));
            }

            var status = StatusCopy.Of(provider.Status);
            status.ObservedGeneration = provider.Metadata.Generation;
            status.Version = info.Version.Version;
            status.ClusterName = info.Name;
            status.Nodes = info.Nodes.Select(n => new ProviderNodeStatus { Name = n.Name, Online = n.Online, Ip = n.Ip }).ToList();
            status.NodeNames = info.Nodes.Count == 0 ? null : string.Join(",", info.Nodes.Select(n => n.Name));
            status.LastSyncTime = clock.GetUtcNow().UtcDateTime;
            var now = clock.GetUtcNow().UtcDateTime;
            status.Conditions = ConditionList.Set(status.Conditions, ConditionTypes.Ready, "True", Reasons.Connected, message, provider.Metadata.Generation, now);
            status.Conditions = ConditionList.Remove(status.Conditions, ConditionTypes.Reconciling);
            status.Conditions = ConditionList.Remove(status.Conditions, ConditionTypes.Stalled);
            if (!wasReady)
            {
                await events.NormalAsync(provider, Reasons.Connected, message, cancellationToken);
            }

            await statusWriter.PatchStatusIfChangedAsync(provider, status, cancellationToken);
            return ReconcileResult.RequeueAfter(syncInterval);
        }
        catch (PveApiException error)
        {
            var (reason, text) = Describe(error, provider);
            return await FailAsync(provider, reason, text, syncInterval, cancellationToken);
        }
    }

    public Task<ReconcileResult> FinalizeAsync(V1Alpha1ProxmoxProvider provider, CancellationToken cancellationToken)
    {
        // Its nodes leave the pool with the connection; its containers then report ProviderNotReady.
        metrics.Forget(provider.Metadata.Name);
        if (registry.Remove(provider.Metadata.Name))
        {
            LogDisconnected(provider.Metadata.Name);
        }

        containers.Publish(new ContainerSignal.ProviderChanged(provider.Metadata.Name));
        return Task.FromResult(ReconcileResult.Done);
    }

    private static async Task<PveClusterInfo> RefreshClusterInfoAsync(ProviderConnection connection, CancellationToken cancellationToken)
    {
        // /version only changes on an upgrade, which restarts the API: once per connection is enough.
        var status = await connection.Client.GetClusterStatusAsync(cancellationToken);
        var info = PveClusterInfo.From(connection.Client.ClusterInfo!.Version, status);
        connection.Nodes.ReplaceAll(info.Nodes);
        return info;
    }

    private ProviderConnection ConnectionFor(string name, PveClientSettings settings)
    {
        if (registry.TryGet(name, out var existing) && existing.HasClient && existing.Settings == settings)
        {
            return existing;
        }

        // A new client (rotated token, changed URL) keeps what containers rely on until its first sync replaces it.
        var connection = new ProviderConnection(name, clientFactory.Create(settings), settings, containerSettings.MaxActionsPerNode,
            key => containers.Publish(new ContainerSignal.SlotFreed(key)), existing, clock)
        {
            Health = existing?.Health ?? ProviderHealth.Connecting,
            Snapshot = existing?.Snapshot,
        };
        registry.Set(connection);
        return connection;
    }

    private async Task<(PveClientSettings? Value, (string Reason, string Message)? Failure)> BuildSettingsAsync(
        V1Alpha1ProxmoxProvider provider, CancellationToken cancellationToken)
    {
        var spec = provider.Spec;
        if (!Uri.TryCreate(spec.Url, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
        {
            return (null, (Reasons.InvalidSpec, $"spec.url \"{spec.Url}\" must be an https:// URL such as https://pve.example.com:8006"));
        }

        if (!PveTokenId.TryParse(spec.TokenId, out var tokenId))
        {
            return (null, (Reasons.InvalidSpec, $"spec.tokenId \"{spec.TokenId}\" must look like USER@REALM!TOKENNAME, e.g. operator@pve!k8s"));
        }

        PveCertificateFingerprint? fingerprint = null;
        if (spec.Tls?.Fingerprint is { } pin && !PveCertificateFingerprint.TryParse(pin, out fingerprint))
        {
            return (null, (Reasons.InvalidSpec, "spec.tls.fingerprint must be the certificate's SHA-256 fingerprint, 32 hex bytes separated by colons"));
        }

        var reference = spec.SecretRef;
        var key = string.IsNullOrEmpty(reference.Key) ? "secret" : reference.Key;
        IReadOnlyDictionary<string, byte[]>? data;
        try
        {
            data = await secrets.ReadAsync(reference.Namespace, reference.Name, cancellationToken);
        }
        catch (UnauthorizedAccessException denied)
        {
            return (null, (Reasons.SecretNotFound, $"Secret {reference.Namespace}/{reference.Name} cannot be read: {denied.Message}"));
        }

        if (data is null)
        {
            return (null, (Reasons.SecretNotFound, $"Secret {reference.Namespace}/{reference.Name} not found: create it with the API token's secret under key \"{key}\""));
        }

        if (!data.TryGetValue(key, out var bytes) || bytes.Length == 0)
        {
            return (null, (Reasons.SecretNotFound,
                $"Secret {reference.Namespace}/{reference.Name} has no key \"{key}\" (keys: {(data.Count == 0 ? "none" : string.Join(", ", data.Keys.Order(StringComparer.Ordinal)))})"));
        }

        var settings = new PveClientSettings
        {
            Url = url,
            TokenId = tokenId,
            Secret = new PveSecret(Encoding.UTF8.GetString(bytes).Trim()),
            Tls = new PveTlsSettings
            {
                InsecureSkipVerify = spec.Tls?.InsecureSkipVerify ?? false,
                CaBundlePem = string.IsNullOrWhiteSpace(spec.Tls?.CaBundle) ? null : spec.Tls!.CaBundle,
                PinnedFingerprint = fingerprint,
            },
        };
        // Connecting takes two calls (/version, /cluster/status); each may use its full request timeout. The client's
        // 3 s default would keep a slow but working PVE (answers in 2 s under load) Unreachable for ever.
        settings = settings with { InitTimeout = settings.RequestTimeout * 2 };
        var problems = settings.Validate();
        return problems.Count > 0
            ? (null, (Reasons.InvalidSpec, string.Join(" ", problems)))
            : (settings, null);
    }

    private async Task<ReconcileResult> FailAsync(
        V1Alpha1ProxmoxProvider provider, string reason, string message, TimeSpan retry, CancellationToken cancellationToken)
    {
        var name = provider.Metadata.Name;
        if (reason == Reasons.Unreachable && registry.TryGet(name, out var current) && current.IsReady
            && ++current.FailedSyncsInARow < UnreachableAfterFailedSyncs)
        {
            // One lost sync (a 596 from a busy node, a blip) is no reason to flip every container to not Ready:
            // keep the last snapshot and look again soon; only failures in a row make the provider Unreachable.
            LogSyncFailed(name, current.FailedSyncsInARow, message);
            return ReconcileResult.RequeueAfter(retry < TimeSpan.FromSeconds(5) ? retry : TimeSpan.FromSeconds(5));
        }

        // Only an unreachable API may come back by itself; the other reasons need a change by a human.
        var stalled = reason != Reasons.Unreachable;
        var health = new ProviderHealth(false, reason, message, stalled);
        if (registry.TryGet(name, out var connection))
        {
            var before = connection.Health;
            connection.Health = health;
            if (before.Ready || before.Reason != reason)
            {
                // Containers show the provider's reason: tell them when it changes, not only when readiness does.
                containers.Publish(new ContainerSignal.ProviderChanged(name));
            }
        }
        else
        {
            // Keep the failure visible to containers even though no client could be built.
            var placeholder = new ProviderConnection(name, client: null, settings: null, containerSettings.MaxActionsPerNode, clock: clock) { Health = health };
            registry.Set(placeholder);
            containers.Publish(new ContainerSignal.ProviderChanged(name));
        }

        LogNotReady(name, reason, message);
        var now = clock.GetUtcNow().UtcDateTime;
        var status = StatusCopy.Of(provider.Status);
        status.ObservedGeneration = provider.Metadata.Generation;
        status.Conditions = ConditionList.Set(status.Conditions, ConditionTypes.Ready, "False", reason, message, provider.Metadata.Generation, now);
        status.Conditions = stalled
            ? ConditionList.Set(ConditionList.Remove(status.Conditions, ConditionTypes.Reconciling), ConditionTypes.Stalled, "True", reason, message, provider.Metadata.Generation, now)
            : ConditionList.Set(ConditionList.Remove(status.Conditions, ConditionTypes.Stalled), ConditionTypes.Reconciling, "True", reason, message, provider.Metadata.Generation, now);
        if (await statusWriter.PatchStatusIfChangedAsync(provider, status, cancellationToken))
        {
            await events.WarningAsync(provider, reason, message, cancellationToken);
        }

        return ReconcileResult.RequeueAfter(retry);
    }

    private static (string Reason, string Message) Describe(PveApiException error, V1Alpha1ProxmoxProvider provider)
    {
        var cause = error.InnerException as PveApiException ?? error;
        return cause.Kind switch
        {
            PveErrorKind.Unauthorized => (Reasons.AuthenticationFailed,
                $"PVE refused token {provider.Spec.TokenId}: {Trimmed(cause)}; check the token id, that the token exists and is not expired, and the secret in {provider.Spec.SecretRef.Namespace}/{provider.Spec.SecretRef.Name}"),
            PveErrorKind.Forbidden => (Reasons.PermissionDenied,
                $"token {provider.Spec.TokenId} lacks privilege {cause.Privilege ?? "?"} on {cause.PermissionPath ?? "?"}; grant it to the token (and its user, with privilege separation), e.g. the PVEAuditor role on /"),
            PveErrorKind.TlsError => (Reasons.TlsError,
                $"the server certificate of {provider.Spec.Url} is not trusted: {Trimmed(cause)}; set spec.tls.fingerprint (as the PVE GUI shows it) or spec.tls.caBundle"),
            _ => (Reasons.Unreachable, $"{Trimmed(error)}"),
        };
    }

    private static string Trimmed(Exception error) => error.Message.TrimEnd('.', ' ', '\n');


    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider {Provider}: sync failed ({Count} in a row), keeping the last snapshot: {Detail}")]
    private partial void LogSyncFailed(string provider, int count, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Provider {Provider} disconnected")]
    private partial void LogDisconnected(string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider {Provider} not ready: {Reason}: {Detail}")]
    private partial void LogNotReady(string provider, string reason, string detail);
}
