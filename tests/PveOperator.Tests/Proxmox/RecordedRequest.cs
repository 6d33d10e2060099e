namespace PveOperator.Tests.Proxmox;

/// <summary>A request as <see cref="StubPveHandler"/> saw it.</summary>
internal sealed record RecordedRequest(string Method, string Path, string Url, string? Authorization, string Body);
