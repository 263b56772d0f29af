namespace Mesh.Actors.DigitalOcean;

public sealed partial class DigitalOceanClient
{
    /// <summary>
    /// The domain's records, optionally of one type and one name. <paramref name="name"/> is relative
    /// (<c>www</c>, <c>@</c>) as in the records themselves; the API's filter wants it fully qualified.
    /// </summary>
    public Task<IReadOnlyList<DomainRecord>> ListRecordsAsync(string domain, string? type, string? name, CancellationToken cancellationToken)
    {
        var query = $"per_page={PerPage}";
        if (type is not null) query += $"&type={Segment(type)}";
        if (name is not null) query += $"&name={Segment(FullyQualified(name, domain))}";
        return ListAsync<DomainRecordPage, DomainRecord>($"v2/domains/{Segment(domain)}/records?{query}", "GET /v2/domains/{domain}/records", cancellationToken);
    }

    public async Task<DomainRecord> GetRecordAsync(string domain, long id, CancellationToken cancellationToken) =>
        (await GetAsync<DomainRecordEnvelope>($"v2/domains/{Segment(domain)}/records/{Number(id)}", "GET /v2/domains/{domain}/records/{id}", cancellationToken)).DomainRecord
        ?? throw Malformed("GET /v2/domains/{domain}/records/{id}", "domain_record");

    /// <summary>
    /// Creates a record. Not safe to repeat (a second create makes a second record), so it is retried only
    /// when the API refused it unprocessed (429) or the connection never opened; after any other failure
    /// the caller lists the records before trying again.
    /// </summary>
    public async Task<DomainRecord> CreateRecordAsync(string domain, DomainRecordRequest record, CancellationToken cancellationToken)
    {
        CheckTtl(record);
        const string operation = "POST /v2/domains/{domain}/records";
        return (await WriteAsync<DomainRecordEnvelope>(HttpMethod.Post, $"v2/domains/{Segment(domain)}/records", record, operation, cancellationToken)).DomainRecord
            ?? throw Malformed(operation, "domain_record");
    }

    /// <summary>Updates a record in place (PUT of the whole record; never delete and re-create: a missing name is cached for the SOA's negative TTL).</summary>
    public async Task<DomainRecord> UpdateRecordAsync(string domain, long id, DomainRecordRequest record, CancellationToken cancellationToken)
    {
        CheckTtl(record);
        const string operation = "PUT /v2/domains/{domain}/records/{id}";
        return (await WriteAsync<DomainRecordEnvelope>(HttpMethod.Put, $"v2/domains/{Segment(domain)}/records/{Number(id)}", record, operation, cancellationToken)).DomainRecord
            ?? throw Malformed(operation, "domain_record");
    }

    public static string FullyQualified(string name, string domain) => name == "@" ? domain : $"{name}.{domain}";

    private static void CheckTtl(DomainRecordRequest record)
    {
        if (record.Ttl < DomainRecordRequest.MinimumTtl)
            throw new ArgumentOutOfRangeException(nameof(record), $"TTL {record.Ttl} s is below DigitalOcean's minimum of {DomainRecordRequest.MinimumTtl} s");
    }
}
