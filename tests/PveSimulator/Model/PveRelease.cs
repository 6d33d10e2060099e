namespace PveSimulator.Model;

/// <summary>The version strings one PVE release line reports, taken from real installations of that line.</summary>
internal sealed record PveRelease(
    PveVersionMode Mode,
    string Release,
    string Version,
    string RepoId,
    string KernelRelease,
    string KernelBuild)
{
    public static PveRelease For(PveVersionMode mode) => mode switch
    {
        PveVersionMode.Pve7 => new(mode, "7.4", "7.4-16", "0f39f621", "5.15.108-1-pve", "#1 SMP PVE 5.15.108-2 (2023-07-20T10:06Z)"),
        PveVersionMode.Pve8 => new(mode, "8.4", "8.4.1", "2a5fa54a8503f96d", "6.8.12-9-pve", "#1 SMP PREEMPT_DYNAMIC PMX 6.8.12-9 (2025-03-16T19:18Z)"),
        PveVersionMode.Pve9 => new(mode, "9.1", "9.1.6", "71482d1833ded40a", "6.17.2-1-pve", "#1 SMP PREEMPT_DYNAMIC PMX 6.17.2-1 (2025-10-21T11:55Z)"),
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    /// <summary>What "pveversion" prints: "pve-manager/7.4-16/0f39f621".</summary>
    public string ManagerVersion => $"pve-manager/{Version}/{RepoId}";

    /// <summary>pve-container 5.0.10 (PVE 8.2) turned the lxc list's vmid from a string into an integer.</summary>
    public bool ListsVmidAsString => Mode == PveVersionMode.Pve7;

    /// <summary>/lxc/{vmid}/interfaces appeared in PVE 8.1.</summary>
    public bool HasInterfacesEndpoint => Mode != PveVersionMode.Pve7;

    /// <summary>"hardware-address" and "ip-addresses" appeared in pve-container 5.2.6 (PVE 8.4).</summary>
    public bool HasStructuredInterfaceAddresses => Mode != PveVersionMode.Pve7;

    /// <summary>libpve-http-server-perl 5.2.0 (PVE 8.3/8.4) added "message" to error bodies.</summary>
    public bool ErrorBodyHasMessage => Mode != PveVersionMode.Pve7;

    /// <summary>pve-manager 9.1.5 answers every failed authentication with the same text.</summary>
    public bool UnifiedAuthenticationFailure => Mode == PveVersionMode.Pve9;

    /// <summary>PVE 9 reports pressure stall information of running CTs.</summary>
    public bool HasPressureStats => Mode == PveVersionMode.Pve9;

    /// <summary>stop's "overrule-shutdown" parameter came with pve-container 5.0.10 (PVE 8.2).</summary>
    public bool HasOverruleShutdown => Mode != PveVersionMode.Pve7;
}
