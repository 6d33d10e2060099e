using System.Net;
using k8s;
using k8s.Autorest;
using PveOperator.Controllers;

namespace PveOperator.Hosting;

/// <summary>
/// Reads Secrets straight from the API server: only the ones providers name, only when needed, and only those
/// labelled as credentials.
/// </summary>
internal sealed class KubernetesSecretReader(IKubernetes client) : ISecretReader
{
    public async Task<IReadOnlyDictionary<string, byte[]>?> ReadAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        try
        {
            var secret = await client.CoreV1.ReadNamespacedSecretAsync(name, @namespace, cancellationToken: cancellationToken);
            if (secret.Metadata.Labels?.TryGetValue(ProviderPolicy.CredentialsLabel, out var marked) != true || marked != "true")
            {
                // Without the label any Secret of the namespace (a Helm release, another app's keys) could be named.
                throw new SecretNotAllowedException(
                    $"Secret {@namespace}/{name} lacks the label {ProviderPolicy.CredentialsLabel}: \"true\" that marks it as PVE credentials: " +
                    $"kubectl label secret -n {@namespace} {name} {ProviderPolicy.CredentialsLabel}=true");
            }

            return secret.Data is null ? new Dictionary<string, byte[]>() : new Dictionary<string, byte[]>(secret.Data);
        }
        catch (HttpOperationException error) when (error.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (HttpOperationException error) when (error.Response.StatusCode == HttpStatusCode.Forbidden)
        {
            throw new UnauthorizedAccessException(
                $"the operator may not read Secrets in namespace {@namespace}: put the Secret in the operator's Secret namespace, " +
                $"or bind a Role there that allows get on secrets to the operator's ServiceAccount", error);
        }
    }
}
