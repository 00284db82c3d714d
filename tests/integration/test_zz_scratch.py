from tests.integration.conftest import page, text_of, location

def test_explore(app_ctx, make, gov_client, site_a):
    c = gov_client
    r = c.get("/sites/GOV-A/start")
    p = page(r)
    print(p.find("form"))
    r = c.post("/sites/GOV-A/start", data={"period": "2026-27"})
    print(r.status_code, location(r))
    tl = page(c.get(location(r)))
    print(tl.find("ul", class_="govuk-task-list"))
    d = page(c.get(location(r) + "/domains/leadership"))
    print(d.find("main"))
