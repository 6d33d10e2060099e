namespace PveOperator.Proxmox;

/// <summary>Creates one client per provider; lets controllers be tested with fake clients.</summary>
public interface IPveClientFactory
{
    /// <exception cref="ArgumentException">Invalid settings.</exception>
    IPveClient Create(PveClientSettings settings);
}
