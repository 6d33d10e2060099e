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
    ILogger<ProxmoxProviderReconciler> logger,
    ProviderPolicy? providerPolicy = null) : IReconciler<V1Alpha1ProxmoxProvider>
{
    private readonly ProviderPolicy policy = providerPolicy ?? new ProviderPolicy();

    public static readonly TimeSpan DefaultSyncInterval = TimeSpan.FromSeconds(30);
    public const string FinalizerName = "pve-operator.io/provider";

    /// <summary>Syncs that must fail in a row before a connected provider is reported Unreachable.</summary>
    public const int UnreachableAfterFailedSyncs = 3;

    public async Task<ReconcileResult> ReconcileAsync(V1Alpha1ProxmoxProvider provider, CancellationToken cancellationToken)
    {
        var name = provider.Metadata.Name;
        var syncInterval = DefaultSyncInterval;
        if (provider.Spec.SyncInterval is { } intervalText
            && (!DurationFormat.TryParse(intervalText, out syncInterval)
                || syncInterval < policy.ShortestSyncInterval || syncInterval > ProxmoxProviderSpec.MaxSyncInterval))
        {
            // Checked here too: a CRD installed before the schema bound (or a schema bypassed) must not let a huge
            // interval reach the work queue's timer.
            return await FailAsync(provider, Reasons.InvalidSpec,
                $"spec.syncInterval \"{Shortened(intervalText)}\" is not a duration between {DurationFormat.Format(policy.ShortestSyncInterval)} and 24h (e.g. 30s, 1m)", DefaultSyncInterval, cancellationToken);
        }

        var settings = await BuildSettingsAsync(provider, cancellationToken);
        if (settings.Failure is { } failure)
        {
            return await FailAsync(provider, failure.Reason, failure.Message, syncInterval, cancellationToken);
        }

        if (settings.Value!.Tls.InsecureSkipVerify && !policy.AllowInsecureTls)
        {
            return await FailAsync(provider, Reasons.InsecureTlsNotAllowed,
                "spec.tls.insecureSkipVerify is refused: the credentials would go to whoever answers at spec.url; pin the " +
                "certificate with spec.tls.fingerprint or trust its CA with spec.tls.caBundle (the operator accepts it only when started with --allow-insecure-tls)",
                syncInterval, cancellationToken);
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

            var missing = await PrivilegesMissingAsync(connection, cancellationToken);
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
            var permissionsBefore = ConditionList.Find(status.Conditions, ConditionTypes.PermissionsSufficient);
            status.Conditions = SetPermissionsCondition(status, missing, settings.Value!, provider.Metadata.Generation, now);
            var insecureBefore = ConditionList.Find(status.Conditions, ConditionTypes.InsecureTls);
            status.Conditions = settings.Value!.Tls.InsecureSkipVerify
                ? ConditionList.Set(status.Conditions, ConditionTypes.InsecureTls, "True", Reasons.InsecureTlsAllowed, InsecureTlsMessage, provider.Metadata.Generation, now)
                : ConditionList.Remove(status.Conditions, ConditionTypes.InsecureTls);
            if (!wasReady)
            {
                await events.NormalAsync(provider, Reasons.Connected, message, cancellationToken);
            }

            if (settings.Value!.Tls.InsecureSkipVerify && insecureBefore is not { Status: "True" })
            {
                await events.WarningAsync(provider, Reasons.InsecureTlsAllowed, InsecureTlsMessage, cancellationToken);
            }

            if (missing is { Count: > 0 } && (permissionsBefore is not { Status: "False" } || permissionsBefore.Message != ConditionList.Find(status.Conditions, ConditionTypes.PermissionsSufficient)?.Message))
            {
                await events.WarningAsync(provider, Reasons.MissingPrivileges, ConditionList.Find(status.Conditions, ConditionTypes.PermissionsSufficient)!.Message, cancellationToken);
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

    private const string InsecureTlsMessage =
        "the server certificate is not verified (spec.tls.insecureSkipVerify): anyone who can redirect the traffic receives the credentials; set spec.tls.fingerprint or spec.tls.caBundle";

    /// <summary>
    /// Asks PVE which privileges the credentials hold; null when it cannot tell (the call failed or the client has no
    /// such call). Informative only: containers still try, and PVE decides each call.
    /// </summary>
    /// <summary>
    /// The privileges missing, asked of PVE on connect and then at most every resync interval (10 min): the pre-check
    /// informs, and one extra call per sync would double what a converged cluster costs PVE.
    /// </summary>
    private async Task<IReadOnlyList<RequiredPrivileges.Need>?> PrivilegesMissingAsync(ProviderConnection connection, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (connection.PrivilegesCheckedAt is { } checkedAt && now - checkedAt < containerSettings.ResyncInterval)
        {
            return connection.MissingPrivileges;
        }

        connection.MissingPrivileges = await CheckPrivilegesAsync(connection, cancellationToken);
        connection.PrivilegesCheckedAt = now;
        return connection.MissingPrivileges;
    }

    private async Task<IReadOnlyList<RequiredPrivileges.Need>?> CheckPrivilegesAsync(ProviderConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            var held = await connection.Client.GetPermissionsAsync(cancellationToken);
            return held is null ? null : RequiredPrivileges.Missing(RequiredPrivileges.ForPowerManagement, held);
        }
        catch (PveApiException error)
        {
            LogPermissionCheckFailed(connection.ProviderName, error.Message);
            return null;
        }
    }

    private static List<k8s.Models.V1Condition>? SetPermissionsCondition(
        ProxmoxProviderStatus status, IReadOnlyList<RequiredPrivileges.Need>? missing, PveClientSettings settings, long? generation, DateTime now)
    {
        if (missing is null)
        {
            status.MissingPrivileges = null;
            return ConditionList.Remove(status.Conditions, ConditionTypes.PermissionsSufficient);
        }

        status.MissingPrivileges = missing.Count == 0 ? null : missing.Select(m => m.ToString()).ToList();
        if (missing.Count == 0)
        {
            return ConditionList.Set(status.Conditions, ConditionTypes.PermissionsSufficient, "True", Reasons.PrivilegesGranted,
                "the credentials hold every privilege the operator uses", generation, now);
        }

        var message = $"{settings.Principal} lacks {string.Join(", ", missing)}; grant them with: " +
            RequiredPrivileges.GrantCommand(missing, settings.Principal, isToken: !settings.UsesPassword);
        return ConditionList.Set(status.Conditions, ConditionTypes.PermissionsSufficient, "False", Reasons.MissingPrivileges, message, generation, now);
    }

    private static string Shortened(string text) => text.Length <= 40 ? text : text[..40] + "...";

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
            key => containers.Publish(new ContainerSignal.SlotFreed(key)), containerSettings.MaxAllocationsPerStorage, existing, clock)
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

        if (spec.VmidRange is { } range && range.Min > range.Max)
        {
            // The CRD's CEL rule says the same on 1.25 and later; older servers let it through.
            return (null, (Reasons.InvalidSpec, $"spec.vmidRange.min ({range.Min}) must not be above spec.vmidRange.max ({range.Max})"));
        }

        PveTokenId? tokenId = null;
        string? username = null;
        SecretKeyReference? reference;
        if (spec.PasswordAuth is { } password)
        {
            if (spec.TokenId is not null || spec.SecretRef is not null)
            {
                return (null, (Reasons.InvalidSpec, "set either spec.tokenId with spec.secretRef or spec.passwordAuth, not both"));
            }

            username = password.Username;
            reference = password.SecretRef;
        }
        else
        {
            if (!PveTokenId.TryParse(spec.TokenId, out tokenId))
            {
                return (null, (Reasons.InvalidSpec, $"spec.tokenId \"{Shortened(spec.TokenId ?? "")}\" must look like USER@REALM!TOKENNAME, e.g. operator@pve!k8s"));
            }

            reference = spec.SecretRef;
            if (reference is null)
            {
                return (null, (Reasons.InvalidSpec, "spec.secretRef is required with spec.tokenId"));
            }
        }

        PveCertificateFingerprint? fingerprint = null;
        if (spec.Tls?.Fingerprint is { } pin && !PveCertificateFingerprint.TryParse(pin, out fingerprint))
        {
            return (null, (Reasons.InvalidSpec, "spec.tls.fingerprint must be the certificate's SHA-256 fingerprint, 32 hex bytes separated by colons"));
        }

        if (policy.CredentialsNamespace is { } allowed && reference.Namespace != allowed)
        {
            return (null, (Reasons.SecretNotAllowed,
                $"Secret {reference.Namespace}/{reference.Name} is outside the operator's namespace {allowed}: credentials Secrets must live there (with the label {ProviderPolicy.CredentialsLabel}: \"true\")"));
        }

        var key = string.IsNullOrEmpty(reference.Key) ? "secret" : reference.Key;
        IReadOnlyDictionary<string, byte[]>? data;
        try
        {
            data = await secrets.ReadAsync(reference.Namespace, reference.Name, cancellationToken);
        }
        catch (SecretNotAllowedException notAllowed)
        {
            return (null, (Reasons.SecretNotAllowed, notAllowed.Message));
        }
        catch (UnauthorizedAccessException denied)
        {
            return (null, (Reasons.SecretNotFound, $"Secret {reference.Namespace}/{reference.Name} cannot be read: {denied.Message}"));
        }

        var what = username is null ? "the API token's secret" : $"the password of {username}";
        if (data is null)
        {
            return (null, (Reasons.SecretNotFound, $"Secret {reference.Namespace}/{reference.Name} not found: create it with {what} under key \"{key}\" and the label {ProviderPolicy.CredentialsLabel}: \"true\""));
        }

        // The other keys are not listed: their names may tell more than this provider's owner should learn.
        if (!data.TryGetValue(key, out var bytes) || bytes.Length == 0)
        {
            return (null, (Reasons.SecretNotFound, $"Secret {reference.Namespace}/{reference.Name} has no key \"{key}\" holding {what}"));
        }

        var secretText = Encoding.UTF8.GetString(bytes).Trim();
        if (username is null && !Guid.TryParseExact(secretText, "D", out _))
        {
            // PVE issues token secrets as UUIDs; anything else is a wrong key or value, and is not sent anywhere.
            return (null, (Reasons.InvalidSpec,
                $"the value under key \"{key}\" of Secret {reference.Namespace}/{reference.Name} is not a PVE token secret (a UUID such as 01234567-89ab-cdef-0123-456789abcdef); it was not sent"));
        }

        var settings = new PveClientSettings
        {
            Url = url,
            TokenId = tokenId,
            Username = username,
            Secret = new PveSecret(secretText),
            TicketRenewAfter = policy.RenewTicketsAfter,
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
            PveErrorKind.Unauthorized when cause.NeedsSecondFactor => (Reasons.AuthenticationFailed,
                $"user {provider.Spec.PasswordAuth?.Username} has two-factor authentication, which the operator cannot answer: use an API token (spec.tokenId and spec.secretRef) or a user without a second factor"),
            PveErrorKind.Unauthorized when provider.Spec.PasswordAuth is { } password => (Reasons.AuthenticationFailed,
                $"PVE refused the login of user {password.Username}: {Trimmed(cause)}; check the user name (USER@REALM) and the password in {password.SecretRef.Namespace}/{password.SecretRef.Name}"),
            PveErrorKind.Unauthorized => (Reasons.AuthenticationFailed,
                $"PVE refused token {provider.Spec.TokenId}: {Trimmed(cause)}; check the token id, that the token exists and is not expired, and the secret in {provider.Spec.SecretRef?.Namespace}/{provider.Spec.SecretRef?.Name}"),
            PveErrorKind.Forbidden => (Reasons.PermissionDenied,
                $"{(provider.Spec.PasswordAuth is { } user ? $"user {user.Username}" : $"token {provider.Spec.TokenId}")} lacks privilege {cause.Privilege ?? "?"} on {cause.PermissionPath ?? "?"}; grant it (to a token's user too, with privilege separation), e.g. the PVEAuditor role on /"),
            PveErrorKind.TlsError => (Reasons.TlsError,
                $"the server certificate of {provider.Spec.Url} is not trusted: {Trimmed(cause)}; set spec.tls.fingerprint (as the PVE GUI shows it) or spec.tls.caBundle"),
            _ => (Reasons.Unreachable, $"{Trimmed(error)}"),
        };
    }

    private static string Trimmed(Exception error) => error.Message.TrimEnd('.', ' ', '\n');


    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider {Provider}: sync failed ({Count} in a row), keeping the last snapshot: {Detail}")]
    private partial void LogSyncFailed(string provider, int count, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider {Provider}: the privilege check failed: {Detail}")]
    private partial void LogPermissionCheckFailed(string provider, string detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Provider {Provider} disconnected")]
    private partial void LogDisconnected(string provider);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Provider {Provider} not ready: {Reason}: {Detail}")]
    private partial void LogNotReady(string provider, string reason, string detail);
}
