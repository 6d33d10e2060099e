namespace PveSimulator.Model;

/// <summary>A cluster member; <see cref="NodeId"/> is the corosync id (1-based in a cluster).</summary>
internal sealed record SimNode(string Name, string Ip, bool Online, int NodeId);
