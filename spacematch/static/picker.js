// A click on the page's map puts the place there, and in the fields #lat and #lon; a place
// already typed in is shown, and the map is centred on it.
(function () {
  var h = window.spacematchMap, lat = document.getElementById('lat'), lon = document.getElementById('lon');
  if (!h || !lat || !lon) { return; }
  var marker = null;
  function put(latlng) {
    if (marker) { marker.setLatLng(latlng); }
    else { marker = L.circleMarker(latlng, {radius: 9, color: '#0f3d3e', weight: 3, fillColor: '#f59e0b', fillOpacity: 1}).addTo(h.map); }
  }
  var a = parseFloat(lat.value), b = parseFloat(lon.value);
  if (isFinite(a) && isFinite(b)) { put([a, b]); h.map.setView([a, b], 15); }
  h.map.on('click', function (e) {
    put(e.latlng);
    lat.value = e.latlng.lat.toFixed(6);
    lon.value = e.latlng.lng.toFixed(6);
    h.map.getContainer().setAttribute('data-picked', lat.value + ',' + lon.value);
  });
})();
