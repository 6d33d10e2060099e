namespace PveOperator.Proxmox;

/// <summary>The usable addresses of one container interface.</summary>
public sealed record PveInterfaceAddresses(string Name, string? HardwareAddress, IReadOnlyList<PveIpAddress> Addresses);
