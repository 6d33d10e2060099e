using PveOperator.Proxmox;

namespace PveOperator.Controllers;

/// <summary>What the operator lets a ProxmoxProvider do: credentials, TLS, sync interval (set by flags, fixed per process).</summary>
/// <param name="CredentialsNamespace">The only namespace whose Secrets providers may name; null (unit tests) allows any.</param>
/// <param name="AllowInsecureTls">Whether tls.insecureSkipVerify is accepted (--allow-insecure-tls).</param>
/// <param name="TicketRenewAfter">How long a password login's ticket is used before it is renewed.</param>
/// <param name="MinSyncInterval">The shortest spec.syncInterval accepted (5 s; tests shorten it).</param>
public sealed record ProviderPolicy(
    string? CredentialsNamespace = null,
    bool AllowInsecureTls = false,
    TimeSpan? TicketRenewAfter = null,
    TimeSpan? MinSyncInterval = null)
{
    /// <summary>The label a Secret must carry, with value "true", before a provider may use it.</summary>
    public const string CredentialsLabel = "pve-operator.io/credentials";

    public TimeSpan RenewTicketsAfter => TicketRenewAfter ?? PveClientSettings.DefaultTicketRenewAfter;

    public TimeSpan ShortestSyncInterval => MinSyncInterval ?? PveOperator.Entities.ProxmoxProviderSpec.MinSyncInterval;
}
