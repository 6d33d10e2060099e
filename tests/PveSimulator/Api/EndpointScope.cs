namespace PveSimulator.Api;

/// <summary>Where pveproxy sends a call, which decides the node checks and the worker limit that apply.</summary>
internal enum EndpointScope
{
    /// <summary>Answered by the pveproxy the client talks to.</summary>
    Cluster,
    /// <summary>Proxied to {node}: unknown node → 500, offline node → 595.</summary>
    Node,
    /// <summary>Proxied to {node}'s pvedaemon: as <see cref="Node"/>, and limited to its few workers.</summary>
    NodeDaemon,
}
