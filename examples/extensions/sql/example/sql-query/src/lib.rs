//! The sql-query plugin: answers one read-only SQL query through the
//! capability `dev.fluent.example.SqlQuery`, which the extension kit's SQL
//! bundle adds to the platform (examples/extensions/sql).
//!
//! The payload is `{"sql": "SELECT … WHERE a = ?", "params": [1]}`
//! (`params` optional: strings, numbers, booleans and nulls, one per `?`);
//! the answer's content is the rows as the capability returns them,
//! `{"columns":["A"],"rows":[[1]]}`. A query the database refuses (an
//! unknown table, a syntax error) is the plugin's error `QUERY_FAILED`; a
//! statement that writes, or more rows or bytes than the operator allows
//! per execution, ends the execution on the host side.
//!
//! The module's import comes from `fluent_pdk::import_module!`: the PDK
//! knows nothing of this capability.

use fluent_pdk::json::{self, Value};
use fluent_pdk::{fluent_plugin, PluginError, Request, Response};

fluent_pdk::import_module! {
    /// The functions of capability `dev.fluent.example.SqlQuery`.
    mod sql = "dev.fluent.example.sql" {
        /// One read-only query and its parameters as a JSON array; answers
        /// the rows as JSON.
        fn query(statement: str, parameters: str);
    }
}

/// The statement and its parameters (as JSON text) from the payload.
fn parse(payload: &str) -> Result<(String, String), PluginError> {
    let usage = "send {\"sql\": \"SELECT …\", \"params\": […]}";
    let request = json::parse(payload)
        .map_err(|e| PluginError::bad_request(format!("the payload is not JSON ({}): {}", e, usage)))?;
    let statement = request.get("sql").and_then(Value::as_str)
        .ok_or_else(|| PluginError::bad_request(format!("the payload has no \"sql\" text: {}", usage)))?;
    let parameters = match request.get("params") {
        None | Some(Value::Null) => String::from("[]"),
        Some(params @ Value::Array(_)) => params.to_json(),
        Some(_) => return Err(PluginError::bad_request(format!("\"params\" must be an array: {}", usage))),
    };
    Ok((String::from(statement), parameters))
}

fn handle(request: Request) -> Result<Response, PluginError> {
    let (statement, parameters) = parse(&request.payload)?;
    let rows = sql::query(&statement, &parameters)
        .map_err(|e| PluginError::new("QUERY_FAILED", format!("{}", e)))?
        .unwrap_or_default();
    let rows = String::from_utf8(rows)
        .map_err(|_| PluginError::new("QUERY_FAILED", "the rows are not UTF-8 text"))?;
    Ok(Response::new(rows).with_model("sql-query").with_finish_reason("stop"))
}

fluent_plugin!(handle);

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_pdk::fakes;
    use fluent_pdk::host::HostError;
    use fluent_pdk::imports::Arg;

    const MODULE: &str = "dev.fluent.example.sql";

    #[test]
    fn passes_the_statement_and_its_parameters_and_answers_the_rows() {
        fakes::imports::respond_with(MODULE, "query", Ok(Some(br#"{"columns":["N"],"rows":[[1]]}"#.to_vec())));

        let response = handle(Request::new(r#"{"sql":"SELECT n FROM t WHERE a = ?","params":["x",2]}"#)).unwrap();

        assert_eq!(response.content, r#"{"columns":["N"],"rows":[[1]]}"#);
        assert_eq!(fakes::imports::calls(MODULE, "query"), vec![vec![
            Arg::Bytes(b"SELECT n FROM t WHERE a = ?".to_vec()), Arg::Bytes(br#"["x",2]"#.to_vec())]]);
    }

    #[test]
    fn parameters_are_optional() {
        fakes::imports::respond_with(MODULE, "query", Ok(Some(b"{}".to_vec())));

        handle(Request::new(r#"{"sql":"SELECT 1"}"#)).unwrap();

        assert_eq!(fakes::imports::calls(MODULE, "query")[0][1].text(), Some("[]"));
    }

    #[test]
    fn a_failed_query_is_the_plugins_error_with_the_hosts_reason() {
        fakes::imports::respond_with(MODULE, "query", Err(HostError::Failed("table T not found".into())));

        let e = handle(Request::new(r#"{"sql":"SELECT * FROM t"}"#)).unwrap_err();

        assert_eq!((e.code.as_str(), e.message.as_str()), ("QUERY_FAILED", "table T not found"));
    }

    #[test]
    fn refuses_a_payload_without_a_statement() {
        for payload in ["SELECT 1", r#"{"params":[]}"#, r#"{"sql":"SELECT 1","params":{}}"#] {
            assert_eq!(handle(Request::new(payload)).unwrap_err().code, "BAD_REQUEST", "{}", payload);
        }
        assert!(fakes::imports::calls(MODULE, "query").is_empty());
    }
}
