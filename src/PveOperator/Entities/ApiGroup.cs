namespace PveOperator.Entities;

/// <summary>The API group and version all of the operator's resources live in.</summary>
public static class ApiGroup
{
    public const string Group = "pve-operator.io";
    public const string Version = "v1alpha1";
    public const string GroupVersion = Group + "/" + Version;
    public const string Category = "proxmox";
}
