using System.Net;
using System.Text.Json.Nodes;

namespace PveOperator.Tests.Simulator;

/// <summary>What a test needs from a simulator answer: status, reason phrase and the parsed body.</summary>
internal sealed record SimResponse(HttpStatusCode Status, string? Reason, string RawBody)
{
    public JsonNode? Body => RawBody.Length == 0 ? null : JsonNode.Parse(RawBody);

    public JsonNode? Data => Body?["data"];

    public int Code => (int)Status;
}
