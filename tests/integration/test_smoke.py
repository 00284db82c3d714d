from bs4 import BeautifulSoup


def test_governor_sees_their_site(governor_client):
    page = BeautifulSoup(governor_client.get("/sites").data, "html.parser")
    assert page.h1.get_text(strip=True) == "Your sites"
    assert "Site A" in page.get_text()
